from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SunshineConfig(AppConfig):
    name = "sunshine"
    verbose_name = _("Sunshine core")

    def ready(self):
        from . import audit  # noqa: F401  (connects the login receivers)
