from django.urls import path

from . import views

urlpatterns = [
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", views.CourseFormView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseFormView.as_view(), name="course_update"),
    path("persons/<int:pk>/enrol/", views.EnrolmentCreateView.as_view(), name="enrolment_create"),
    path("enrolments/<int:pk>/progress/", views.EnrolmentProgressView.as_view(), name="enrolment_progress"),
    path("enrolments/<int:pk>/approve/", views.EnrolmentApproveView.as_view(), name="enrolment_approve"),
]
