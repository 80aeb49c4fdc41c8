from django.urls import path
from rest_framework.routers import SimpleRouter

from . import sync, views

router = SimpleRouter()
router.register("persons", views.PersonViewSet, basename="person")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("urine-tests", views.UrineTestViewSet, basename="urine-test")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("counselling", views.CounsellingViewSet, basename="counselling")
router.register("leaves", views.LeaveViewSet, basename="leave")
router.register("absences", views.AbsenceViewSet, basename="absence")
router.register("status-events", views.StatusEventViewSet, basename="status-event")
router.register("help-group", views.HelperViewSet, basename="helper")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("lawful-queries", views.LawfulQueryViewSet, basename="lawful-query")

urlpatterns = [
    path("sync/", sync.SyncView.as_view(), name="sync"),
    path("caseload/", sync.CaseloadView.as_view(), name="caseload"),
    *router.urls,
]
