from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Person

        auditlog.register(Person, mask_fields=["id_number"])
