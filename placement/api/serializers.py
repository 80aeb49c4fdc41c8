from rest_framework import serializers

from cases.api.serializers import RecordSerializer
from cases.models import Person
from sunshine.api.serializers import ScopedRelatedField, call_service
from sunshine.models import Region

from .. import services
from ..models import Employer, FollowUp, Placement, PlacementBase


class PlacementBaseSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.townships())
    scale = serializers.IntegerField(read_only=True, help_text="Persons holding an active contract of ≥ 1 year today")

    class Meta:
        model = PlacementBase
        fields = [
            "id", "code", "name", "kind", "region", "employer", "opened_on", "declared_capacity", "contact", "phone",
            "management_rules", "has_union", "has_youth_league", "has_womens_federation", "scale",
        ]  # fmt: skip

    def save(self, **kwargs):
        base = self.instance or PlacementBase()
        for name, value in self.validated_data.items():
            setattr(base, name, value)
        self.instance = call_service(services.base_save, user=self.context["request"].user, base=base)
        return self.instance


class EmployerSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Employer
        fields = ["id", "name", "region", "contact", "phone", "address"]

    def save(self, **kwargs):
        employer = self.instance or Employer()
        for name, value in self.validated_data.items():
            setattr(employer, name, value)
        self.instance = call_service(services.employer_save, user=self.context["request"].user, employer=employer)
        return self.instance


class PlacementSerializer(RecordSerializer):
    long_contract = serializers.BooleanField(read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id", "person", "mode", "base", "employer", "contract_start", "contract_end", "long_contract",
            "social_insurance", "wage", "employment_certificate", "tax_policy_marked", "left_on", "notes",
            "recorded_by", "version",
        ]  # fmt: skip

    def save(self, **kwargs):
        placement = self.instance or Placement()
        for name, value in self.validated_data.items():
            setattr(placement, name, value)
        self.instance = call_service(services.placement_save, user=self.context["request"].user, placement=placement)
        return self.instance


class FollowUpSerializer(RecordSerializer):
    person = ScopedRelatedField(Person, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "person", "placement", "visited_on", "still_employed", "notes", "recorded_by", "version"]

    def get_fields(self):
        fields = super().get_fields()
        fields["placement"].queryset = Placement.objects.visible_to(self.context["request"].user)
        return fields

    def save(self, **kwargs):
        follow_up = self.instance or FollowUp()
        for name, value in self.validated_data.items():
            setattr(follow_up, name, value)
        self.instance = call_service(services.follow_up_save, user=self.context["request"].user, follow_up=follow_up)
        return self.instance
