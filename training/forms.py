from django import forms
from django.utils.translation import gettext_lazy as _

from sunshine.choices import Level
from sunshine.forms import DATE, RegionPicker
from sunshine.models import Region, User

from .models import Course


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "skill", "provider_kind", "provider_name", "region", "start_date", "end_date", "hours", "capacity", "notes",
        ]  # fmt: skip
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "region": RegionPicker,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        counties = (
            Region.objects.within(user.region).filter(level=Level.COUNTY).select_related("parent")
            if user.region_id
            else None
        )
        self.fields["region"].queryset = counties if counties is not None else Region.objects.none()


class CourseFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.exclude(level=Level.TOWNSHIP),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    skill = forms.CharField(label=_("Skill"), required=False, max_length=64)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        return f"{course} · {course.region.name}"


class EnrolmentForm(forms.Form):
    course = CourseChoiceField(label=_("course"), queryset=None)  # set from the scope in __init__
    enrolled_on = forms.DateField(label=_("enrolled on"), widget=DATE)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class ProgressForm(forms.Form):
    attendance = forms.IntegerField(label=_("hours attended"), min_value=0)
    completed = forms.BooleanField(label=_("completed"), required=False)
    completed_on = forms.DateField(label=_("completed on"), widget=DATE, required=False)
    certificate_number = forms.CharField(label=_("certificate number"), max_length=64, required=False)
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DATE, required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    """Nothing to fill in: the county officer confirms."""
