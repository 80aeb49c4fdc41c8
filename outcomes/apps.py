from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Relapse outcomes over time (issue 18): survival analysis of CD/CR measures, computed nightly."""

    name = "outcomes"
    verbose_name = _("Outcomes")
