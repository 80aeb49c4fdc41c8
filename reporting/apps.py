from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from auditlog.registry import auditlog

        from . import assessment, bulletin  # noqa: F401 - register their background jobs (sunshine.jobs)
        from .models import AssessmentReport, Pairing, Target

        auditlog.register(Pairing)
        auditlog.register(Target)
        auditlog.register(AssessmentReport, exclude_fields=["figures"])
