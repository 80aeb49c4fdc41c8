from rest_framework import serializers

from cases.models import Person
from sunshine.api.serializers import ScopedRelatedField, call_service

from .. import services
from ..choices import BenefitStatus
from ..models import Benefit


class BenefitSerializer(serializers.ModelSerializer):
    """A welfare benefit. POST applies (township or county office); PATCH corrects the application (county
    office); decisions go through the ``decide`` and ``end`` actions (civil affairs)."""

    person = ScopedRelatedField(Person)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Benefit
        fields = [
            "id", "person", "kind", "applied_on", "application_notes", "status", "decided_on", "decided_by",
            "amount", "starts_on", "ends_on", "decision_notes", "recorded_by", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "decided_on", "amount", "starts_on", "ends_on", "decision_notes"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # a correction keeps the benefit with its person
            fields["person"] = serializers.PrimaryKeyRelatedField(read_only=True)
        return fields

    def save(self, **kwargs):
        user = self.context["request"].user
        if self.instance is None:
            self.instance = call_service(services.benefit_apply, user=user, **self.validated_data)
            return self.instance
        for name, value in self.validated_data.items():
            setattr(self.instance, name, value)
        self.instance = call_service(services.benefit_correct, user=user, benefit=self.instance)
        return self.instance


class BenefitDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[BenefitStatus.APPROVED, BenefitStatus.REFUSED])
    decided_on = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    decision_notes = serializers.CharField(required=False, allow_blank=True, default="")


class BenefitEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
