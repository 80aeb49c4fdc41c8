from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, sections, timeline  # noqa: F401  (they register their sources)

        # Benefits are personal records (DESIGN §3a).
        auditlog.register(models.Benefit)
