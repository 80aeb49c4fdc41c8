from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Pairing, Target

        auditlog.register(Pairing)
        auditlog.register(Target)
