from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = _("Placement")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, person_file, roster  # noqa: F401  (its part of the person file; its roster sheets)

        for model in (models.Placement, models.FollowUp, models.Loan, models.PlacementBase, models.Employer):
            auditlog.register(model)
        auditlog.register(models.BaseSubsidy)
