from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("placement-bases", views.PlacementBaseViewSet, basename="placement-base")
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("placement-follow-ups", views.FollowUpViewSet, basename="placement-follow-up")

urlpatterns = router.urls
