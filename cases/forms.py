from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.concurrency import VersionedFormMixin
from sunshine.forms import DATE, RegionPicker, township_choices
from sunshine.models import Region, User

from .choices import EndReason, InfectionStatus, LegalBasis, MeasureKind, UnsealCause
from .models import (
    Absence,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    Measure,
    Person,
    StatusEvent,
    UrineTest,
    Visit,
)


class PersonForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "id_number", "name", "township", "registered_on", "ethnicity", "education", "marital_status",
            "household_address", "address", "phone", "drug_types", "injecting", "first_use_on",
            "guardian_name", "guardian_phone", "hiv_status", "other_infections", "work_capacity", "notes",
        ]  # fmt: skip
        widgets = {
            "registered_on": DATE,
            "first_use_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "township": RegionPicker,
        }

    def __init__(self, *args, user: User, show_health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        if show_health:
            self.fields["hiv_status"].required = False
        else:
            del self.fields["hiv_status"], self.fields["other_infections"]

    def validate_unique(self):
        """The only unique field is the ID number, and ``person_register`` answers a duplicate better: with a
        link to the file the user may see, or "registered elsewhere; ask the county office"."""

    def clean_hiv_status(self):
        return self.cleaned_data["hiv_status"] or InfectionStatus.UNKNOWN


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, ID number or pinyin initials")}),
    )


def _dated(fields: list[str], model) -> dict:
    return {name: DATE for name in fields if isinstance(model._meta.get_field(name), models.DateField)}


# The records a worker logs in a few taps: model and the fields of its quick form, by URL slug.
RECORD_KINDS = {
    "visit": (Visit, ["visited_on", "kind", "whereabouts_confirmed", "visitors", "findings"]),
    "urine-test": (UrineTest, ["tested_on", "kind", "result", "substance"]),
    "finding": (DrugUseFinding, ["found_on", "source", "details"]),
    "counselling": (Counselling, ["held_on", "kind", "counsellor", "notes"]),
    "leave": (Leave, ["leave_from", "leave_until", "destination", "reason", "returned_on"]),
    "absence": (Absence, ["left_on", "returned_on", "notes"]),
    "status": (StatusEvent, ["kind", "occurred_on", "notes"]),
    "helper": (HelpGroupMember, ["role", "name", "phone", "joined_on", "left_on"]),
}


class RecordForm(VersionedFormMixin, forms.ModelForm):
    pass


class UrineTestForm(RecordForm):
    """A urine test; a positive one asks for the substance and offers to record the drug-use finding with it."""

    record_finding = forms.BooleanField(
        label=_("Also record the drug-use finding (relapse)"), required=False, initial=True
    )

    class Meta:
        model = UrineTest
        fields = RECORD_KINDS["urine-test"][1]
        widgets = {"tested_on": DATE}
        help_texts = {"substance": _("Required for a positive result.")}


# The four everyday records of the field app (DESIGN §5a): their type in the sync API → their slug above.
FIELD_KINDS = {"visits": "visit", "urine-tests": "urine-test", "absences": "absence", "leaves": "leave"}


def record_form_class(kind: str) -> type[forms.ModelForm]:
    if kind == "urine-test":
        return UrineTestForm
    model, fields = RECORD_KINDS[kind]
    return forms.modelform_factory(model, form=RecordForm, fields=fields, widgets=_dated(fields, model))


class MeasureOrderForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "kind", "authority", "order_number", "ordered_on", "reported_on", "agreement_on", "started_on",
            "term_months", "extension_months", "pregnant", "nursing_infant", "notes",
        ]  # fmt: skip
        widgets = {name: DATE for name in ("ordered_on", "reported_on", "agreement_on", "started_on")}


class MeasureReportForm(forms.Form):
    reported_on = forms.DateField(label=_("report date"), widget=DATE)
    agreement_on = forms.DateField(label=_("agreement date"), widget=DATE, required=False)


class MeasureCloseForm(forms.Form):
    ended_on = forms.DateField(label=_("end date"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("end reason"), choices=EndReason.choices)


class MeasureEscalateForm(forms.Form):
    decided_on = forms.DateField(label=_("decision date"), widget=DATE)
    authority = forms.CharField(label=_("deciding authority"), max_length=100, required=False)
    order_number = forms.CharField(label=_("order number"), max_length=64, required=False)


class DischargeNoticeForm(forms.Form):
    notified_on = forms.DateField(label=_("township told of discharge on"), widget=DATE)


class TransferForm(forms.Form):
    to_township = forms.ModelChoiceField(
        label=_("to township"), queryset=Region.objects.townships(), to_field_name="code", widget=RegionPicker
    )
    requested_on = forms.DateField(label=_("requested on"), widget=DATE)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        # Every township of the province but the person's own (``transfer_start`` refuses that one too).
        townships = Region.objects.townships().exclude(code=person.township_id).select_related("parent")
        self.fields["to_township"].queryset = townships


class TransferDecisionForm(forms.Form):
    effective_on = forms.DateField(label=_("effective on"), widget=DATE, required=False)
    notes = forms.CharField(label=_("decision notes"), max_length=200, required=False)


class AlertDecisionForm(forms.Form):
    decision = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))


# Sealed records and lawful queries (DESIGN §3b) -----------------------------------------------------------------


class SealForm(forms.Form):
    reason = forms.CharField(label=_("reason for sealing"), widget=forms.Textarea(attrs={"rows": 3}))


class SealedCaseForm(forms.Form):
    """A new case about a sealed person met again: the ID number, the event and its record, and why."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    event = forms.ChoiceField(label=_("new case"))
    occurred_on = forms.DateField(label=_("date"), widget=DATE)
    measure_kind = forms.ChoiceField(label=_("measure"), required=False)
    order_number = forms.CharField(label=_("order number"), max_length=64, required=False)
    authority = forms.CharField(label=_("deciding authority"), max_length=100, required=False)
    substance = forms.CharField(label=_("substance"), max_length=64, required=False)
    reason = forms.CharField(label=_("case and reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(event, UnsealCause(event).label) for event in events]
        self.fields["measure_kind"].choices = [("", "—"), *MeasureKind.choices]


class LawfulQueryForm(forms.Form):
    id_number = forms.CharField(label=_("full ID number"), max_length=18)
    querying_unit = forms.CharField(label=_("querying unit"), max_length=100)
    basis = forms.ChoiceField(label=_("legal basis"), choices=[])
    case_number = forms.CharField(label=_("case number"), max_length=64, required=False)
    regulation = forms.CharField(label=_("state regulation"), max_length=200, required=False)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = LegalBasis.choices


class LawfulQueryDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"), coerce=lambda value: value == "yes", choices=[("yes", _("Approve")), ("no", _("Refuse"))]
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
