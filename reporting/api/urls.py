from rest_framework.routers import SimpleRouter

from .views import IndicatorViewSet

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")

urlpatterns = router.urls
