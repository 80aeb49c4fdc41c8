from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SunshineConfig(AppConfig):
    name = "sunshine"
    verbose_name = _("Sunshine core")

    def ready(self):
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out

        from . import (
            audit,  # noqa: F401  (connects the login receivers)
            pdf,  # noqa: F401  (registers its check: the print fonts are built)
        )
        from .models import User
        from .services import tokens_revoke_on_lockout
        from .validators import install_date_validators

        user_locked_out.connect(tokens_revoke_on_lockout, dispatch_uid="tokens_revoke_on_lockout")
        install_date_validators()

        # Staff accounts: who changed whose role, region or status (never the password hash).
        auditlog.register(User, exclude_fields=["password", "last_login"])
