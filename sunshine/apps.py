from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SunshineConfig(AppConfig):
    name = "sunshine"
    verbose_name = _("Sunshine core")

    def ready(self):
        from auditlog.registry import auditlog

        from . import audit  # noqa: F401  (connects the login receivers)
        from .models import User
        from .validators import install_date_validators

        install_date_validators()

        # Staff accounts: who changed whose role, region or status (never the password hash).
        auditlog.register(User, exclude_fields=["password", "last_login"])
