from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.forms import DATE

from .choices import BenefitKind, BenefitStatus


class BenefitApplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("benefit"), choices=BenefitKind.choices)
    applied_on = forms.DateField(label=_("applied on"), widget=DATE)
    application_notes = forms.CharField(
        label=_("application notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BenefitDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("benefit", "decision"),
        choices=[(BenefitStatus.APPROVED, _("Approve")), (BenefitStatus.REFUSED, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Monthly, or once for temporary relief. Leave empty for medical insurance."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    starts_on = forms.DateField(label=_("starts on"), required=False, widget=DATE)
    decision_notes = forms.CharField(
        label=_("decision notes"),
        required=False,
        help_text=_("Required when refusing: the reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BenefitEndForm(forms.Form):
    ends_on = forms.DateField(label=_("ends on"), widget=DATE)
