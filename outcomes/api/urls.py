from rest_framework.routers import SimpleRouter

from .views import OutcomeReportViewSet

router = SimpleRouter()
router.register("outcomes", OutcomeReportViewSet, basename="outcome")

urlpatterns = router.urls
