from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("courses", views.CourseViewSet, basename="course")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")

urlpatterns = router.urls
