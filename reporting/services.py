import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.access import ensure_editable
from sunshine.models import User

from .indicators import region_figures
from .models import IndicatorSnapshot, Pairing


@transaction.atomic
def pairing_save(*, user: User, pairing: Pairing) -> Pairing:
    """Pair a member unit with a region (provincial committee)."""
    if pairing.pk:
        ensure_editable(user, pairing)
    elif not Pairing.scope.may_edit(user):
        raise PermissionDenied
    if pairing.until and pairing.since and pairing.until < pairing.since:
        raise ValidationError({"until": _("The pairing cannot end before it starts.")})
    pairing.full_clean()
    pairing.save()
    ensure_editable(user, pairing)
    return pairing


@transaction.atomic
def snapshots_compute(*, day: dt.date, between_regions=None) -> int:
    """Replace the snapshots of ``day`` for every region, in one transaction: all or nothing.

    ``between_regions`` is called after each region's rows are prepared (tests use it to kill a run).
    """
    figures = region_figures(day)
    rows = []
    for code, region_figures_ in figures.items():
        rows.extend(
            IndicatorSnapshot(
                date=day, region_id=code, indicator=f.code, numerator=f.numerator, denominator=f.denominator
            )
            for f in region_figures_
        )
        if between_regions:
            between_regions(code)
    IndicatorSnapshot.objects.filter(date=day).delete()
    IndicatorSnapshot.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s (inclusive)."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return days
