from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, person_file  # noqa: F401  (registers its part of the person file)

        # Benefits are personal records (DESIGN §3a).
        auditlog.register(models.Benefit)
