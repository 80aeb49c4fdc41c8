import django_filters

from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.filters import ScopedFilterSet

from ..models import IndicatorSnapshot, Target
from .serializers import IndicatorSerializer, TargetSerializer


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


class TargetViewSet(ScopedModelViewSet):
    """Targets with their history (``superseded_at``); provincial officers set new ones with POST."""

    model = Target
    select_related = ("region",)
    serializer_class = TargetSerializer
    filterset_fields = ["indicator", "region"]
    http_method_names = ["get", "post", "head", "options"]
