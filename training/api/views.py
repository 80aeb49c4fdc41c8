from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from sunshine.api.serializers import call_service
from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.filters import ScopedFilterSet

from .. import services
from ..models import Course, Enrolment
from ..selectors import course_list
from . import serializers as s


class CourseFilter(ScopedFilterSet):
    region = filters.CharFilter(method="within", help_text="Region code: courses of counties within it.")
    skill = filters.CharFilter(field_name="skill", lookup_expr="icontains")  # as the page: "cad" finds CAD制图

    class Meta:
        model = Course
        fields = ["region", "skill", "provider_kind"]

    def within(self, courses, name, code):
        return courses.within(code)


class CourseViewSet(ScopedModelViewSet):
    """Training courses. Every signed-in user reads them all (not personal data); county officers and HR
    department staff create and change the courses of their region (others 403; a course outside the
    region 404)."""

    model = Course
    serializer_class = s.CourseSerializer
    filterset_class = CourseFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if self.request.method in SAFE_METHODS:
            return course_list(user=self.request.user)
        return super().get_queryset()


@extend_schema_view(create=extend_schema(request=s.EnrolmentCreateSerializer, responses={201: s.EnrolmentSerializer}))
class EnrolmentViewSet(ScopedModelViewSet):
    """Enrolments of persons in the caller's scope (HR department staff: of their region). POST enrols;
    PATCH records progress; ``approve`` is the person's county office approving a course of another county."""

    model = Enrolment
    select_related = ("approved_by", "recorded_by")
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["person", "course", "status"]

    def get_serializer_class(self):
        return s.EnrolmentCreateSerializer if self.action == "create" else s.EnrolmentSerializer

    @extend_schema(request=None, responses=s.EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        enrolment = call_service(services.enrolment_approve, user=request.user, enrolment=self.get_object())
        return Response(s.EnrolmentSerializer(enrolment, context=self.get_serializer_context()).data)
