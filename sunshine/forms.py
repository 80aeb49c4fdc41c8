from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .choices import LEVEL_DEPTH, ROLE_LEVEL, Role
from .models import Region, User


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
