import django_filters
from rest_framework import serializers

from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.filters import ScopedFilterSet

from ..models import OutcomeReport


class OutcomeReportSerializer(serializers.ModelSerializer):
    """DESIGN §6's shape (``km``, ``hazard_ratio``, ``suppressed``) with the group summaries beside it; a
    suppressed group carries nothing but ``suppressed: true``."""

    region = serializers.CharField(source="region_id")
    km = serializers.SerializerMethodField()
    hazard_ratio = serializers.SerializerMethodField()
    suppressed = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()

    class Meta:
        model = OutcomeReport
        fields = ["id", "date", "region", "suppressed", "km", "hazard_ratio", "groups"]

    def get_km(self, report) -> list[dict]:
        return report.summary()["km"]

    def get_hazard_ratio(self, report) -> dict:
        return report.summary()["hazard_ratio"]

    def get_suppressed(self, report) -> bool:
        return report.summary()["suppressed"]

    def get_groups(self, report) -> list[dict]:
        return report.data.get("groups", [])


class OutcomeReportFilter(ScopedFilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    date = django_filters.DateFilter()

    class Meta:
        model = OutcomeReport
        fields = ["region", "date"]


class OutcomeReportViewSet(ScopedModelViewSet):
    """Relapse outcomes of the regions within the caller's region, newest first: ``?region=&date=``."""

    model = OutcomeReport
    serializer_class = OutcomeReportSerializer
    filterset_class = OutcomeReportFilter
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "region_id")
