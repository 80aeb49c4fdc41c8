import django_filters
from rest_framework import serializers, viewsets

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


class OutcomeReportFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    date = django_filters.DateFilter()

    class Meta:
        model = OutcomeReport
        fields = ["region", "date"]


class OutcomeReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Relapse outcomes of the regions within the caller's region, newest first: ``?region=&date=``."""

    serializer_class = OutcomeReportSerializer
    filterset_class = OutcomeReportFilter

    def get_queryset(self):
        return OutcomeReport.objects.visible_to(self.request.user).order_by("-date", "region_id")
