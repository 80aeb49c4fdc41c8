from rest_framework import serializers

from sunshine.api.serializers import call_service
from sunshine.models import Region

from ..models import IndicatorSnapshot, Target
from ..targets import target_set


class IndicatorSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    value = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = IndicatorSnapshot
        fields = ["date", "region", "indicator", "numerator", "denominator", "value"]


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
