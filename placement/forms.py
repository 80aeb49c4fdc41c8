from django import forms
from django.utils.translation import gettext_lazy as _

from sunshine.concurrency import VersionedFormMixin
from sunshine.forms import DATE, RegionPicker, township_choices
from sunshine.models import Region

from .choices import LoanStatus
from .models import BaseSubsidy, Employer, FollowUp, Loan, Placement, PlacementBase


class BaseForm(forms.ModelForm):
    class Meta:
        model = PlacementBase
        fields = [
            "code", "name", "kind", "region", "employer", "opened_on", "declared_capacity", "contact", "phone",
            "management_rules", "has_union", "has_youth_league", "has_womens_federation",
        ]  # fmt: skip
        widgets = {
            "opened_on": DATE,
            "management_rules": forms.Textarea(attrs={"rows": 3}),
            "region": RegionPicker,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = township_choices(user)
        self.fields["employer"].queryset = Employer.objects.editable_by(user)


class EmployerForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = ["name", "region", "contact", "phone", "address"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.within(user.region)


class PlacementForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "mode", "base", "employer", "contract_start", "contract_end", "social_insurance", "wage",
            "employment_certificate", "tax_policy_marked", "left_on", "notes",
        ]  # fmt: skip
        widgets = {
            "contract_start": DATE,
            "contract_end": DATE,
            "left_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = PlacementBase.objects.visible_to(user).select_related("region")
        self.fields["employer"].queryset = Employer.objects.visible_to(user)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["visited_on", "still_employed", "notes"]
        widgets = {"visited_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class SubsidyForm(forms.ModelForm):
    class Meta:
        model = BaseSubsidy
        fields = ["decided_on", "amount", "paying_level", "paid_on", "notes"]
        widgets = {"decided_on": DATE, "paid_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class LoanForm(forms.ModelForm):
    class Meta:
        model = Loan
        fields = ["applied_on", "amount", "lender", "interest_subsidy"]
        widgets = {"applied_on": DATE}


class LoanDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[c for c in LoanStatus.choices if c[0] != LoanStatus.APPLIED])
    decided_on = forms.DateField(label=_("decision date"), widget=DATE)
