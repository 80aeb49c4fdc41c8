import datetime as dt
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
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
    rows = []
    for code, figures in region_figures(day).items():
        rows.extend((code, f.code, f.numerator, f.denominator) for f in figures)
        if between_regions:
            between_regions(code)
    IndicatorSnapshot.objects.filter(date=day).delete()
    _insert_snapshots(day, rows)
    return len(rows)


def _insert_snapshots(day: dt.date, rows: list[tuple]) -> None:
    """COPY on PostgreSQL (a date is 22,512 rows: INSERT takes seconds), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        snapshots = [
            IndicatorSnapshot(date=day, region_id=region, indicator=code, numerator=numerator, denominator=denominator)
            for region, code, numerator, denominator in rows
        ]
        IndicatorSnapshot.objects.bulk_create(snapshots, batch_size=5000)
        return
    null = "\\N"
    lines = (f"{day.isoformat()}\t{r}\t{c}\t{n}\t{null if d is None else d}\n" for r, c, n, d in rows)
    data = io.StringIO("".join(lines))
    columns = "(date, region_id, indicator, numerator, denominator)"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {IndicatorSnapshot._meta.db_table} {columns} FROM STDIN", data)


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s (inclusive)."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return days
