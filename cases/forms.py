from django import forms
from django.utils.translation import gettext_lazy as _

from sunshine.models import Region, User

from .choices import InfectionStatus
from .models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def township_choices(user: User):
    """Townships the user may put a person in: those of their own region."""
    return Region.objects.within(user.region).townships() if user.region_id else Region.objects.none()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "id_number", "name", "township", "registered_on", "ethnicity", "education", "marital_status",
            "household_address", "address", "phone", "drug_types", "injecting", "first_use_on",
            "guardian_name", "guardian_phone", "hiv_status", "other_infections", "work_capacity", "notes",
        ]  # fmt: skip
        widgets = {"registered_on": DATE, "first_use_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, show_health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        if show_health:
            self.fields["hiv_status"].required = False
        else:
            del self.fields["hiv_status"], self.fields["other_infections"]

    def clean_hiv_status(self):
        return self.cleaned_data["hiv_status"] or InfectionStatus.UNKNOWN


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, ID number or pinyin initials")}),
    )
