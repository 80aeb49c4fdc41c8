from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ObtainTokenView, RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="token"), *router.urls]
