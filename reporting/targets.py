"""Targets (DESIGN §5): setting them, the one in force for a region on a day, and a figure held against it."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.access import may
from sunshine.models import User
from sunshine.regions import RegionCode

from .indicators import CODES, RATES
from .models import Target


@transaction.atomic
def target_set(*, user: User, target: Target) -> Target:
    """Set a region's target for an indicator (provincial committee); the one it replaces is kept as history."""
    if not may(user, "add", Target):
        raise PermissionDenied
    errors = {}
    if target.indicator not in CODES:
        errors["indicator"] = _("Unknown indicator.")
    if target.baseline_date and target.baseline_date >= target.deadline:
        errors["deadline"] = _("The deadline comes after the baseline.")
    if (target.baseline_value is None) != (target.baseline_date is None):
        errors["baseline_date"] = _("Give both the baseline and its date, or neither.")
    if target.indicator in RATES and not (0 <= target.target_value <= 1):
        errors["target_value"] = _("A rate's target is a fraction between 0 and 1 (0.75 for 75%).")
    if errors:
        raise ValidationError(errors)
    Target.objects.editable_by(user).in_force().filter(indicator=target.indicator, region=target.region_id).update(
        superseded_at=timezone.now()
    )
    target.created_by = user
    target.full_clean()
    target.save()
    return target


def targets_on(*, day: dt.date, region_codes) -> dict[tuple[str, str], Target]:
    """The target in force on ``day`` for each (region, indicator) of ``region_codes``: the row with the latest
    ``effective_from`` on or before ``day``, the region's own or, for a rate, the nearest region's above it.
    A count's target (the province's 15 bases a year) is a total for its own region, never held against each
    region below it. One query."""
    codes = set(region_codes)
    ancestors = {ancestor for code in codes for ancestor in RegionCode(code).lineage}
    rows = Target.objects.filter(region_id__in=ancestors, effective_from__lte=day).order_by(
        "effective_from", "created_at"
    )
    latest: dict[str, dict[str, Target]] = defaultdict(dict)  # region → indicator → its latest row
    for target in rows:
        latest[target.region_id][target.indicator] = target  # later rows overwrite earlier ones
    found = {}
    for code in codes:
        for ancestor in RegionCode(code).lineage:  # the nearest first
            for indicator, target in latest.get(ancestor, {}).items():
                if indicator in RATES or ancestor == code:
                    found.setdefault((code, indicator), target)
    return found


def target_for(*, region_code: str, indicator: str, day: dt.date | None = None) -> Target | None:
    """The target in force for a region on ``day`` (today by default)."""
    return targets_on(day=day or timezone.localdate(), region_codes=[region_code]).get((region_code, indicator))


def assess(*, value: float | None, target: Target | None, day: dt.date) -> dict:
    """A figure against its target on ``day``: the goal (derived when a linear milestone), gap and met."""
    if target is None or value is None or not target.applies_on(day):
        return {"value": value, "goal": None, "derived": False, "gap": None, "met": None}
    goal, derived = target.goal_on(day)
    return {"value": value, "goal": goal, "derived": derived, "gap": value - goal, "met": value >= goal}
