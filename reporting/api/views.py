import django_filters
from rest_framework import serializers

from sunshine.api.serializers import call_service
from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.filters import ScopedFilterSet
from sunshine.models import Region

from ..models import IndicatorSnapshot, Target
from ..services import target_set


class IndicatorSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    value = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = IndicatorSnapshot
        fields = ["date", "region", "indicator", "numerator", "denominator", "value"]


class IndicatorFilter(ScopedFilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    date = django_filters.DateFilter()
    indicator = django_filters.CharFilter()

    class Meta:
        model = IndicatorSnapshot
        fields = ["region", "date", "indicator"]


class IndicatorViewSet(ScopedModelViewSet):
    """Indicator snapshots of the regions within the caller's region: ``?region=&date=&indicator=``.

    ``value`` is numerator / denominator for a rate (null when the denominator is 0) and the count itself
    for a count (denominator null).
    """

    model = IndicatorSnapshot
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("date", "region_id", "indicator")


class TargetSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Target
        fields = [
            "id", "indicator", "region", "baseline_value", "baseline_date", "target_value", "deadline",
            "effective_from", "per_year", "source", "created_at", "superseded_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "superseded_at"]

    def save(self, **kwargs):
        target = Target(**self.validated_data)
        self.instance = call_service(target_set, user=self.context["request"].user, target=target)
        return self.instance


class TargetViewSet(ScopedModelViewSet):
    """Targets with their history (``superseded_at``); provincial officers set new ones with POST."""

    model = Target
    select_related = ("region",)
    serializer_class = TargetSerializer
    filterset_fields = ["indicator", "region"]
    http_method_names = ["get", "post", "head", "options"]
