from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlacementMode(models.TextChoices):
    CONCENTRATED = "concentrated", _("Concentrated (at a placement base)")
    DISPERSED = "dispersed", _("Dispersed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare post")
    GOVERNMENT = "government", _("Government-guaranteed")


class BaseKind(models.TextChoices):
    BASE = "base", _("Placement base")
    POINT = "point", _("Placement point")


class PayingLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class ScaleClass(models.TextChoices):
    LARGE = "100_plus", _("Scale 100 or more")
    MEDIUM = "50_99", _("Scale 50 to 99")
    SMALL = "under_50", _("Scale under 50")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", pgettext_lazy("loan status", "Refused")
    REPAID = "repaid", _("Repaid")
