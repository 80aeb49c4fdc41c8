import datetime as dt
import io
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Sealing
from cases.services.sealing import persons_seal_abstinent
from sunshine.access import ensure_editable
from sunshine.choices import CODE_LENGTH, OFFICES, Level
from sunshine.models import Region, User

from .indicators import CODES, RATES, abstinent_clocks, region_figures
from .models import DocumentNumber, IndicatorSnapshot, Pairing, Target


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


# The key space of the snapshot computation's advisory locks on PostgreSQL (the opinion's number, 2011-108).
SNAPSHOT_LOCK = 2011_108


@transaction.atomic
def snapshots_compute(*, day: dt.date, between_regions=None) -> int:
    """Replace the snapshots of ``day`` for every region, in one transaction: all or nothing.

    Two runs for the same date take turns: on PostgreSQL the first holds a transaction-level advisory lock
    on the date, so a backfill started while the nightly task writes that date waits for it instead of
    failing on the unique key. ``between_regions`` is called after each region's rows are prepared (tests
    use it to kill or hold a run).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SNAPSHOT_LOCK, day.toordinal()])
    rows = []
    for code, figures in region_figures(day).items():
        rows.extend((code, name, *figure) for name, figure in figures.items())
        if between_regions:
            between_regions(code)
    _replace_snapshots(day, rows)
    return len(rows)


def _replace_snapshots(day: dt.date, rows: list[tuple]) -> None:
    """Make the snapshots of ``day`` exactly ``rows`` (region, indicator, numerator, denominator), writing only
    what differs from what is stored. A changed figure is updated in place: its id, which drill-down links
    carry, stays.

    A first run for a date inserts every row (COPY on PostgreSQL: INSERT of 25,000 rows takes seconds); a
    rerun usually writes nothing. The stored rows are read and compared as plain tuples: model instances
    for 25,000 rows would cost more than computing the figures.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT region_id, indicator, numerator, denominator, id FROM {IndicatorSnapshot._meta.db_table} "  # noqa: S608
            "WHERE date = %s",
            [day],
        )
        stored = cursor.fetchall()
    computed = {(region, code): (numerator, denominator) for region, code, numerator, denominator in rows}
    gone, changed = [], []
    for region, code, numerator, denominator, pk in stored:
        figures = computed.pop((region, code), None)
        if figures is None:
            gone.append(pk)
        elif figures != (numerator, denominator):
            changed.append(IndicatorSnapshot(pk=pk, numerator=figures[0], denominator=figures[1]))
    IndicatorSnapshot.objects.filter(pk__in=gone).delete()
    IndicatorSnapshot.objects.bulk_update(changed, ["numerator", "denominator"], batch_size=1000)
    _insert_snapshots(day, [(*key, *figures) for key, figures in computed.items()])  # what was not stored yet


def _insert_snapshots(day: dt.date, rows: list[tuple]) -> None:
    """Insert a date's rows in bulk: COPY on PostgreSQL, one prepared INSERT run for every row elsewhere."""
    if not rows:
        return
    table, columns = IndicatorSnapshot._meta.db_table, "(date, region_id, indicator, numerator, denominator)"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s)"  # noqa: S608 (constant names)
            cursor.executemany(sql, [(day.isoformat(), *row) for row in rows])
            return
        null = "\\N"
        lines = (f"{day.isoformat()}\t{r}\t{c}\t{n}\t{null if d is None else d}\n" for r, c, n, d in rows)
        cursor.cursor.copy_expert(f"COPY {table} {columns} FROM STDIN", io.StringIO("".join(lines)))


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s (inclusive)."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return days


@transaction.atomic
def target_set(*, user: User, target: Target) -> Target:
    """Set a region's target for an indicator (provincial committee); the one it replaces is kept as history."""
    if not Target.scope.may_edit(user):
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
    codes, lengths = set(region_codes), sorted(CODE_LENGTH)
    ancestors = {code[:n] for code in codes for n in lengths if len(code) >= n}
    rows = Target.objects.filter(region_id__in=ancestors, effective_from__lte=day).order_by(
        "effective_from", "created_at"
    )
    latest: dict[str, dict[str, Target]] = defaultdict(dict)  # region → indicator → its latest row
    for target in rows:
        latest[target.region_id][target.indicator] = target  # later rows overwrite earlier ones
    found = {}
    for code in codes:
        for ancestor in (code[:n] for n in reversed(lengths) if len(code) >= n):  # the nearest first
            for indicator, target in latest.get(ancestor, {}).items():
                if indicator in RATES or ancestor == code:
                    found.setdefault((code, indicator), target)
    return found


def report_regions(user):
    """The regions an office reports on (bulletin, assessment report): its own and those below it, down to
    counties (a township has no regions below it to rank or assess). Nothing for other roles."""
    if getattr(user, "role", None) not in OFFICES or not user.region_id:
        return Region.objects.none()
    return Region.objects.within(user.region).exclude(level=Level.TOWNSHIP)


def target_for(*, region_code: str, indicator: str, day: dt.date | None = None) -> Target | None:
    """The target in force for a region on ``day`` (today by default)."""
    return targets_on(day=day or timezone.localdate(), region_codes=[region_code]).get((region_code, indicator))


def assess(*, value: float | None, target: Target | None, day: dt.date) -> dict:
    """A figure against its target on ``day``: the goal (derived when a linear milestone), gap and met."""
    if target is None or value is None or not target.applies_on(day):
        return {"value": value, "goal": None, "derived": False, "gap": None, "met": None}
    goal, derived = target.goal_on(day)
    return {"value": value, "goal": goal, "derived": derived, "gap": value - goal, "met": value >= goal}


def document_number_take(*, region: Region, kind: str, year: int, key: str) -> tuple[int, int]:
    """The (year, number) of the document ``key`` in the issuing office's yearly sequence of ``kind``: the
    number it already has, or the next one of ``year``. Two offices numbering at once: the unique constraint
    refuses the second, which takes the following number."""
    for _attempt in range(10):
        found = DocumentNumber.objects.filter(region=region, kind=kind, key=key).values_list("year", "number").first()
        if found:
            return found
        taken = DocumentNumber.objects.filter(region=region, kind=kind, year=year).aggregate(n=Max("number"))["n"]
        try:
            with transaction.atomic():
                row = DocumentNumber.objects.create(
                    region=region, kind=kind, year=year, number=(taken or 0) + 1, key=key
                )
        except IntegrityError:
            continue
        return row.year, row.number
    raise RuntimeError(f"no free number for {key}")


def seal_records(*, day: dt.date) -> tuple[int, int]:
    """The nightly sealing pass of DESIGN §3b for ``day``: seal the files of the persons who count as abstinent three
    years on ``day`` (the indicators' own predicate) and are not sealed yet. Returns (sealed now, unsealed on ``day``
    by new cases). Idempotent: a second run seals nobody."""
    sealed = persons_seal_abstinent(day=day, clocks=abstinent_clocks(day))
    return sealed, Sealing.objects.filter(unsealed_on=day).count()
