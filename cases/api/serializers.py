from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from sunshine.models import Region

from ..models import Person
from ..selectors import may_see_health
from ..services import person_register, person_update

HEALTH_FIELDS = ("hiv_status", "other_infections")


class PersonSerializer(serializers.ModelSerializer):
    """A person. Lists show the ID number masked; the full number is in the detail (audited as a view)."""

    township = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.townships())
    masked_id = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id", "id_number", "masked_id", "name", "sex", "birth_date", "township", "registered_on",
            "ethnicity", "education", "marital_status", "household_address", "address", "phone", "drug_types",
            "injecting", "first_use_on", "guardian_name", "guardian_phone", "hiv_status", "other_infections",
            "work_capacity", "notes",
        ]  # fmt: skip
        read_only_fields = ["sex", "birth_date"]
        extra_kwargs = {"id_number": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not may_see_health(request.user):
            for name in HEALTH_FIELDS:
                fields.pop(name)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("view") and self.context["view"].action == "list":
            data.pop("id_number")
        return data

    def save(self, **kwargs):
        user = self.context["request"].user
        person = self.instance or Person()
        for name, value in self.validated_data.items():
            setattr(person, name, value)
        service = person_update if self.instance else person_register
        try:
            self.instance = service(user=user, person=person)
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from None
        return self.instance
