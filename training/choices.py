from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    """Who runs a course (DESIGN §3)."""

    HR_DEPARTMENT = "hr_department", _("HR and social security department")
    DETOX_FACILITY = "detox_facility", _("Detox facility")
    ENTERPRISE = "enterprise", _("Enterprise")


class EnrolmentStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting county approval")
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
