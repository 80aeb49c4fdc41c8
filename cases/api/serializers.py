from rest_framework import serializers

from sunshine.api.serializers import ScopedRelatedField, call_service
from sunshine.models import Region

from .. import services
from ..models import (
    Absence,
    Alert,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    LawfulQuery,
    Leave,
    Measure,
    Person,
    StatusEvent,
    Transfer,
    UrineTest,
    Visit,
)
from ..selectors import may_see_health

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
            "work_capacity", "notes", "version",
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

    def save(self, **kwargs):
        person = self.instance or Person()
        for name, value in self.validated_data.items():
            setattr(person, name, value)
        service = services.person_update if self.instance else services.person_register
        self.instance = call_service(service, user=self.context["request"].user, person=person)
        return self.instance


class PersonListSerializer(PersonSerializer):
    """A person in a list: the ID number only masked (the full number is in the detail, audited as a view)."""

    class Meta(PersonSerializer.Meta):
        fields = [name for name in PersonSerializer.Meta.fields if name != "id_number"]


class RecordSerializer(serializers.ModelSerializer):
    """A day-to-day record about a person, written through ``record_save``."""

    person = ScopedRelatedField(Person)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    def save(self, **kwargs):
        record = self.instance or self.Meta.model()
        for name, value in self.validated_data.items():
            setattr(record, name, value)
        self.instance = call_service(services.record_save, user=self.context["request"].user, record=record)
        return self.instance


def record_serializer(model_class, record_fields):
    fields = ["id", "person", *record_fields, "recorded_by", "version"]
    meta = type("Meta", (), {"model": model_class, "fields": fields})
    return type(f"{model_class.__name__}Serializer", (RecordSerializer,), {"Meta": meta})


VisitSerializer = record_serializer(Visit, ["visited_on", "kind", "visitors", "findings", "whereabouts_confirmed"])


class UrineTestSerializer(RecordSerializer):
    """A urine test, saved as the online form saves it: a positive one may record the drug-use finding too."""

    record_finding = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Positive: also record the drug-use finding"
    )

    class Meta:
        model = UrineTest
        fields = ["id", "person", "tested_on", "kind", "result", "substance", "record_finding", "recorded_by"]

    def save(self, **kwargs):
        data = dict(self.validated_data)
        record_finding = data.pop("record_finding", False)
        test = self.instance or UrineTest()
        for name, value in data.items():
            setattr(test, name, value)
        user = self.context["request"].user
        call_service(services.urine_test_record, user=user, test=test, record_finding=record_finding)
        self.instance = test
        return test


FindingSerializer = record_serializer(DrugUseFinding, ["found_on", "source", "details"])
CounsellingSerializer = record_serializer(Counselling, ["held_on", "kind", "counsellor", "notes"])
LeaveSerializer = record_serializer(Leave, ["leave_from", "leave_until", "destination", "reason", "returned_on"])
AbsenceSerializer = record_serializer(Absence, ["left_on", "returned_on", "notes"])
StatusEventSerializer = record_serializer(StatusEvent, ["kind", "occurred_on", "notes"])
HelperSerializer = record_serializer(HelpGroupMember, ["role", "name", "phone", "joined_on", "left_on"])


class MeasureSerializer(serializers.ModelSerializer):
    """A measure with its derived clocks. County officers create and correct; workers record the report."""

    person = ScopedRelatedField(Person)
    report_deadline = serializers.DateField(read_only=True)
    planned_end = serializers.DateField(read_only=True)
    reported_late = serializers.SerializerMethodField()
    # read-only, so DRF drops the model field's blank: declared here, the schema allows "" (an open measure)
    end_reason = serializers.ChoiceField(choices=Measure._meta.get_field("end_reason").choices, read_only=True,
                                         allow_blank=True)  # fmt: skip

    class Meta:
        model = Measure
        fields = [
            "id", "person", "kind", "authority", "order_number", "ordered_on", "reported_on", "agreement_on",
            "started_on", "term_months", "extension_months", "pregnant", "nursing_infant", "ended_on", "end_reason",
            "discharge_notified_on", "notes", "report_deadline", "reported_late", "planned_end", "version",
        ]  # fmt: skip
        read_only_fields = ["ended_on", "end_reason", "discharge_notified_on"]

    def get_reported_late(self, measure) -> bool:
        return measure.reported_late()

    def save(self, **kwargs):
        user = self.context["request"].user
        if self.instance is None:
            self.instance = call_service(services.measure_order, user=user, measure=Measure(**self.validated_data))
            return self.instance
        if set(self.validated_data) <= {"reported_on", "agreement_on"} and "reported_on" in self.validated_data:
            self.instance = call_service(
                services.measure_record_report,
                user=user,
                measure=self.instance,
                reported_on=self.validated_data["reported_on"],
                agreement_on=self.validated_data.get("agreement_on", self.instance.agreement_on),
            )
            return self.instance
        for name, value in self.validated_data.items():
            setattr(self.instance, name, value)
        self.instance = call_service(services.measure_correct, user=user, measure=self.instance)
        return self.instance


class MeasureCloseSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    end_reason = serializers.ChoiceField(choices=Measure._meta.get_field("end_reason").choices)


class MeasureEscalateSerializer(serializers.Serializer):
    decided_on = serializers.DateField()
    authority = serializers.CharField(required=False, allow_blank=True, default="")
    order_number = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(Person)
    from_township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_township = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.townships())

    class Meta:
        model = Transfer
        fields = [
            "id", "person", "from_township", "to_township", "requested_on", "reason", "status", "effective_on",
            "county_approved_on", "decision_notes",
        ]  # fmt: skip
        read_only_fields = ["status", "effective_on", "county_approved_on", "decision_notes"]

    def save(self, **kwargs):
        self.instance = call_service(services.transfer_start, user=self.context["request"].user, **self.validated_data)
        return self.instance


class TransferDecisionSerializer(serializers.Serializer):
    effective_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = ["id", "person", "kind", "raised_on", "count", "measure", "acknowledged_on", "decision"]
        read_only_fields = fields


class LawfulQuerySerializer(serializers.ModelSerializer):
    """A lawful query (DESIGN §3b): asked by full ID number, shown with the ID masked."""

    id_number = serializers.CharField(write_only=True, max_length=18)
    masked_id = serializers.CharField(source="person.masked_id", read_only=True)
    requester = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = LawfulQuery
        fields = [
            "id", "id_number", "masked_id", "requester", "region", "querying_unit", "basis", "case_number",
            "regulation", "purpose", "status", "decided_by", "decided_at", "decision_reason", "expires_at",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["region", "status", "decided_at", "decision_reason", "expires_at", "created_at"]

    def create(self, validated_data):
        return call_service(services.lawful_query_request, user=self.context["request"].user, **validated_data)


class LawfulQueryDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField()
