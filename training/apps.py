from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Skills training")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, person_file  # noqa: F401  (registers its part of the person file)

        # Enrolments are personal records (DESIGN §3a); courses are audited too, being the county's decisions.
        auditlog.register(models.Enrolment)
        auditlog.register(models.Course)
