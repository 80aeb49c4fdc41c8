from django.urls import path

from . import views, views_assessment, views_bulletin, views_dashboard

urlpatterns = [
    path("dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("pairings/", views.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", views.PairingFormView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/edit/", views.PairingFormView.as_view(), name="pairing_update"),
    path("figures/<int:pk>/persons/", views.DrillDownView.as_view(), name="drill_down"),
    path("bulletin/", views_bulletin.BulletinView.as_view(), name="bulletin"),
    path("bulletin/pdf/", views_bulletin.BulletinView.as_view(pdf=True), name="bulletin_pdf"),
    path("assessment/", views_assessment.AssessmentView.as_view(), name="assessment"),
    path("assessment/export/", views_assessment.AssessmentView.as_view(action="export"), name="assessment_export"),
    path("assessment/finalise/", views_assessment.FinaliseView.as_view(), name="assessment_finalise"),
    path("assessment/<int:pk>/correct/", views_assessment.CorrectView.as_view(), name="assessment_correct"),
]
