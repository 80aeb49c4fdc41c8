from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, person_file  # noqa: F401  (person_file registers its part of the person file)
        from .roster import jobs  # noqa: F401 - registers the roster import jobs (sunshine.jobs) and the sheets
        from .services import work_list  # noqa: F401 - a changed schedule rule rebuilds the stored work list

        # Every personal record's creates, updates and deletes go to the audit log (DESIGN §3a).
        auditlog.register(models.Person, mask_fields=["id_number"])
        for model in (
            models.Measure,
            models.HelpGroupMember,
            models.Visit,
            models.UrineTest,
            models.DrugUseFinding,
            models.Counselling,
            models.Leave,
            models.Absence,
            models.StatusEvent,
            models.Alert,
            models.Transfer,
            models.Sealing,
            models.LawfulQuery,
        ):
            auditlog.register(model)
