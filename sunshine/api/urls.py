from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ApiTokenViewSet, ObtainTokenView, RegionViewSet

router = SimpleRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="token"), *router.urls]
