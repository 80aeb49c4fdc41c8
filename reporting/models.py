"""Assessment-side records. Pairing responsibility (帮扶责任制): committee member units paired with regions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.access import Scope, ScopedQuerySet
from sunshine.choices import Role
from sunshine.models import Region


class Pairing(models.Model):
    """A member unit of the anti-drug committee paired with a region it helps (shown in assessment reports)."""

    unit = models.CharField(_("member unit"), max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    since = models.DateField(_("paired since"))
    until = models.DateField(_("paired until"), null=True, blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", public=True, edit={Role.PROVINCE_OFFICER})

    class Meta:
        ordering = ["region", "unit"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def __str__(self):
        return f"{self.unit} → {self.region}"


class IndicatorSnapshot(models.Model):
    """One indicator of one region on one date (DESIGN §4): numerator and denominator (none for counts).

    Not personal data. Written only by ``reporting.services.snapshots_compute``, a date at a time.
    """

    date = models.DateField(_("date"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    indicator = models.CharField(_("indicator"), max_length=32)
    numerator = models.IntegerField(_("numerator"))
    denominator = models.IntegerField(_("denominator"), null=True)

    # Aggregates, not personal data, but a region's figures are for the staff of that region and above.
    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", edit=())

    class Meta:
        ordering = ["date", "region", "indicator"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [models.UniqueConstraint(fields=["date", "region", "indicator"], name="one_snapshot_per_figure")]

    def __str__(self):
        return f"{self.date} {self.region_id} {self.indicator}"

    @property
    def value(self):
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None
