import django_filters
from rest_framework import serializers, viewsets

from ..models import IndicatorSnapshot


class IndicatorSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    value = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = IndicatorSnapshot
        fields = ["date", "region", "indicator", "numerator", "denominator", "value"]


class IndicatorFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    date = django_filters.DateFilter()
    indicator = django_filters.CharFilter()

    class Meta:
        model = IndicatorSnapshot
        fields = ["region", "date", "indicator"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator snapshots of the regions within the caller's region: ``?region=&date=&indicator=``.

    ``value`` is numerator / denominator for a rate (null when the denominator is 0) and the count itself
    for a count (denominator null).
    """

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return IndicatorSnapshot.objects.visible_to(self.request.user).order_by("date", "region_id", "indicator")
