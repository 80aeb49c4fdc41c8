from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BenefitKind(models.TextChoices):
    MINIMUM_LIVING = "minimum_living", _("Minimum living guarantee")
    URBAN_MEDICAL = "urban_medical", _("Urban resident medical insurance")
    RURAL_MEDICAL = "rural_medical", _("New rural co-operative medical scheme")
    DISABILITY = "disability", _("Disability assistance")
    TEMPORARY_RELIEF = "temporary_relief", _("Temporary relief")


class BenefitStatus(models.TextChoices):
    # Context: "Refused" alone is already a urine-test result.
    APPLIED = "applied", pgettext_lazy("benefit status", "Applied")
    APPROVED = "approved", pgettext_lazy("benefit status", "Approved")
    REFUSED = "refused", pgettext_lazy("benefit status", "Refused")
    ENDED = "ended", pgettext_lazy("benefit status", "Ended")


# Insurance schemes pay no money to the person: they carry no amount. A person is in one scheme or the other.
MEDICAL_KINDS = (BenefitKind.URBAN_MEDICAL, BenefitKind.RURAL_MEDICAL)
# Cash benefits: an approval states the amount (monthly, or once for temporary relief).
CASH_KINDS = (BenefitKind.MINIMUM_LIVING, BenefitKind.DISABILITY, BenefitKind.TEMPORARY_RELIEF)
# Paid once: an approved one-off benefit is settled, so it does not stand in the way of a new application.
ONE_OFF_KINDS = (BenefitKind.TEMPORARY_RELIEF,)
