from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.access import Scope, ScopedQuerySet
from sunshine.models import Region

HAZARD_RATIOS = ("placement", "training")  # the order every reader shows them in


class OutcomeReport(models.Model):
    """The relapse outcomes of one region (province, prefecture or county) as of one date: Kaplan–Meier curves,
    group summaries and hazard ratios, as ``outcomes.survival.region_outcomes`` returns them.

    Aggregates only, with groups under 10 persons already suppressed. Written only by
    ``outcomes.services.outcomes_compute``, a date at a time; pages read the latest, never recompute.
    """

    date = models.DateField(_("date"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    data = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    # Like the indicator snapshots: a region's figures are for the staff of that region and above.
    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", edit=())

    class Meta:
        ordering = ["-date", "region"]
        verbose_name = _("outcome report")
        verbose_name_plural = _("outcome reports")
        constraints = [models.UniqueConstraint(fields=["date", "region"], name="one_outcome_report_per_day")]

    def __str__(self):
        return f"{self.date} {self.region_id}"

    def summary(self) -> dict:
        """The shape of ``show_outcomes --json`` and of the API (DESIGN §6)."""
        data = self.data
        stored = data.get("hazard_ratio") or {}
        # in this order, not the stored one: PostgreSQL's jsonb keeps its keys shortest first ("training" first)
        ratios = {name: stored.get(name) for name in HAZARD_RATIOS}
        return {"km": data.get("km", []), "hazard_ratio": ratios, "suppressed": data["suppressed"]}
