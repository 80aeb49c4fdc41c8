from django.urls import path

from .views import assessment, bulletin, dashboard, drill_down, pairings

urlpatterns = [
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("pairings/", pairings.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", pairings.PairingFormView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/edit/", pairings.PairingFormView.as_view(), name="pairing_update"),
    path("figures/<int:pk>/persons/", drill_down.DrillDownView.as_view(), name="drill_down"),
    path("bulletin/", bulletin.BulletinView.as_view(), name="bulletin"),
    path("bulletin/pdf/", bulletin.BulletinView.as_view(pdf=True), name="bulletin_pdf"),
    path("assessment/", assessment.AssessmentView.as_view(), name="assessment"),
    path("assessment/export/", assessment.AssessmentView.as_view(action="export"), name="assessment_export"),
    path("assessment/finalise/", assessment.FinaliseView.as_view(), name="assessment_finalise"),
    path("assessment/<int:pk>/correct/", assessment.CorrectView.as_view(), name="assessment_correct"),
]
