from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("benefits", views.BenefitViewSet, basename="benefit")

urlpatterns = router.urls
