"""Reads of the placement app: base scale, subsidy eligibility, tax-relief lists."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from sunshine.models import User

from .choices import PlacementMode, ScaleClass
from .models import LARGE_SCALE, MEDIUM_SCALE, Placement, PlacementBase, scale_class


def _active_long(day: dt.date, prefix: str = "") -> Q:
    """Placements (through ``prefix``) holding an active contract of one year or more on ``day``."""
    p = prefix
    return (
        Q(**{f"{p}long_contract": True, f"{p}contract_start__lte": day})
        & (Q(**{f"{p}contract_end__isnull": True}) | Q(**{f"{p}contract_end__gte": day}))
        & (Q(**{f"{p}left_on__isnull": True}) | Q(**{f"{p}left_on__gte": day}))
    )


def bases_with_scale(*, user: User, day: dt.date) -> QuerySet[PlacementBase]:
    """Bases annotated with ``scale``: persons holding an active contract of ≥ 1 year there on ``day``."""
    return (
        PlacementBase.objects.visible_to(user)
        .select_related("region__parent", "employer")
        .annotate(scale=Count("placements__person", filter=_active_long(day, "placements__"), distinct=True))
    )


def base_scale(base: PlacementBase, day: dt.date) -> int:
    """A count, not personal data: the same for every viewer."""
    return base.placements.filter(_active_long(day)).values("person").distinct().count()


@dataclass(frozen=True)
class Eligibility:
    base: PlacementBase
    scale: int
    scale_class: ScaleClass
    since: dt.date  # the first day the base reached its current class


def subsidy_eligibility(*, user: User, day: dt.date) -> list[Eligibility]:
    """Bases of scale ≥ 50 on ``day`` (eligible for the start-up subsidy) and since when.

    "Since when" sweeps each qualifying base's contract starts and ends once (one query for all bases).
    """
    bases = [base for base in bases_with_scale(user=user, day=day) if base.scale >= MEDIUM_SCALE]
    events: dict[int, list[tuple[dt.date, int]]] = {base.pk: [] for base in bases}
    rows = (
        PlacementBase.objects.visible_to(user)
        .filter(pk__in=events, placements__long_contract=True, placements__contract_start__lte=day)
        .values_list("pk", "placements__contract_start", "placements__contract_end", "placements__left_on")
    )
    for base_id, start, end, left in rows:
        events[base_id].append((start, 1))
        last = min(d for d in (end, left, dt.date.max) if d)
        if last < day:
            events[base_id].append((last + dt.timedelta(days=1), -1))
    result = []
    for base in bases:
        threshold = LARGE_SCALE if base.scale >= LARGE_SCALE else MEDIUM_SCALE
        count, since = 0, day
        for when, change in sorted(events[base.pk]):
            count += change
            if count >= threshold and since == day:
                since = when
            elif count < threshold:
                since = day
        result.append(Eligibility(base, base.scale, scale_class(base.scale), since))
    return sorted(result, key=lambda e: (-e.scale, e.base.name))


@dataclass(frozen=True)
class TaxReliefRow:
    placement: Placement
    remaining_days: int


def tax_relief_list(*, user: User, day: dt.date, self_employed: bool = False) -> list[TaxReliefRow]:
    """Persons whose placement earns the employer (or the self-employed person) tax relief on ``day``:
    a 就业失业登记证 marked for the tax policy, a contract of ≥ 1 year (employers), social insurance
    paid, within three years of the hire."""
    placements = Placement.objects.visible_to(user).filter(tax_policy_marked=True, contract_start__lte=day)
    if self_employed:
        placements = placements.filter(mode=PlacementMode.SELF_EMPLOYED)
    else:
        placements = placements.exclude(mode=PlacementMode.SELF_EMPLOYED).filter(
            long_contract=True, social_insurance=True
        )
    placements = placements.filter(Q(left_on__isnull=True) | Q(left_on__gte=day)).select_related(
        "person", "employer", "base__employer"
    )
    rows = []
    for placement in placements:
        remaining = (placement.tax_relief_until - day).days
        if remaining > 0:
            rows.append(TaxReliefRow(placement, remaining))
    return sorted(rows, key=lambda row: (str(row.placement.employer or row.placement.base), row.placement.person.name))
