from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Skills training")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, pathway, sections  # noqa: F401  (registers the pathway fact and timeline sources)

        # Enrolments are personal records (DESIGN §3a); courses are audited too, being the county's decisions.
        auditlog.register(models.Enrolment)
        auditlog.register(models.Course)
