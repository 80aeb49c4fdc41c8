from collections import Counter

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .choices import LEVEL_DEPTH, ROLE_LEVEL, Role
from .models import Region, User
from .pinyin import pinyin_initials

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def township_choices(user: User):
    """Townships the user may put a person in: those of their own region."""
    if not user.region_id:
        return Region.objects.none()
    return Region.objects.within(user.region).townships().select_related("parent")


class RegionPicker(forms.Select):
    """The one region picker: a select of townships grouped by county (or of counties grouped by prefecture).

    Each option carries its pinyin initials, and a name that occurs twice among the choices (马场镇 in four
    counties) shows its county beside it. ``static/js/region_picker.js`` adds a county select and a search by
    name or initials above it; without JavaScript it stays a plain grouped select. The field's queryset
    decides what is offered and what is valid, so the server validates exactly as before. Give the
    queryset ``select_related("parent")``.
    """

    def __init__(self, attrs=None):
        labels = {
            "data-region-picker": "",
            "data-county-label": _("Region"),
            "data-all-label": _("All regions"),
            "data-search-label": _("Search by name or pinyin initials"),
        }
        super().__init__({**labels, **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        flat = super().optgroups(name, value, attrs)
        names = Counter(
            option["value"].instance.name for _g, options, _i in flat for option in options if option["value"]
        )
        repeated = {region_name for region_name, count in names.items() if count > 1}
        groups, by_parent = [], {}
        for _group, options, index in flat:
            for option in options:
                region = option["value"].instance if option["value"] else None
                if region is None:
                    groups.append((None, [option], index))
                    continue
                parent = region.parent.name if region.parent_id else ""
                if region.name in repeated:
                    option["label"] = f"{region.name}（{parent}）"
                option["attrs"]["data-initials"] = pinyin_initials(region.name)
                if parent not in by_parent:
                    by_parent[parent] = []
                    groups.append((parent or None, by_parent[parent], index))
                by_parent[parent].append(option)
        return groups


def roles_manageable_by(manager: User) -> list[tuple[str, str]]:
    """Roles ``manager`` may hand out: those whose level lies below theirs, plus department staff. The system
    administrator hands out only their own role, which reads no personal data."""
    if manager.role == Role.SYSADMIN:
        return [(Role.SYSADMIN.value, Role.SYSADMIN.label)]
    depth = LEVEL_DEPTH[manager.level]
    return [
        (role.value, role.label)
        for role in Role
        if role == Role.DEPARTMENT_STAFF or (role in ROLE_LEVEL and LEVEL_DEPTH[ROLE_LEVEL[role]] > depth)
    ]


class StaffForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=password_validation.password_validators_help_text_html,
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "role",
            "region",
            "department",
            "certificate_number",
            "certificate_date",
            "is_active",
        ]
        widgets = {"certificate_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, manager: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles_manageable_by(manager)
        regions = Region.objects.none() if manager.role == Role.SYSADMIN else Region.objects.within(manager.region)
        self.fields["region"].queryset = regions
        if not self.instance.pk:
            self.fields["password"].required = True

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
