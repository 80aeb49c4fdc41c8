from rest_framework.routers import SimpleRouter

from .views import IndicatorViewSet, TargetViewSet

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")

urlpatterns = router.urls
