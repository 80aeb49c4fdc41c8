from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The synthetic demo population and its staff accounts (``seed_demo``), DESIGN §6. It writes the rows of every
    app, so it sits above them all in the layering; nothing imports it."""

    name = "demo"
    verbose_name = _("Demo population")
