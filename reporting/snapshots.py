"""The nightly computation of the indicator snapshots: every region's figures of a day, stored in bulk. Pages,
exports and the API read these rows; nothing recounts."""

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from sunshine.db import analyze

from .indicator_range import range_figures
from .indicators import classes_drop, classes_store
from .models import IndicatorSnapshot

# The key space of the snapshot computation's advisory locks on PostgreSQL (the opinion's number, 2011-108).
SNAPSHOT_LOCK = 2011_108


@transaction.atomic
def snapshots_compute(*, day: dt.date, between_regions=None) -> int:
    """Replace the snapshots of ``day`` for every region, in one transaction: all or nothing. The persons' classes
    they sum are stored with them (``classes_store``), for the drill-downs of ``day``.

    Two runs for the same date take turns (``_lock_date``). ``between_regions`` is called after each region's
    rows are prepared (tests use it to kill or hold a run).
    """
    _lock_date(day)
    return _store(day, classes_store(day), between_regions)


def snapshots_compute_range(days) -> Iterator[tuple[dt.date, int]]:
    """The snapshots of each of ``days``, their figures computed in one pass (``indicator_range``), then stored
    date by date, each date in its own transaction as ``snapshots_compute`` stores one: (day, rows) as each is
    stored.

    Every date of the range is locked before the records are read and stays locked until it is stored: a nightly
    run of one of these dates either stores first (and the range reads after it) or waits for the range, then
    reads and stores its own newer figures. Figures read before a run's are never stored over them. Classes are not
    stored for a range: a date's stored ones are dropped with its old figures, and its drill-downs compute live.
    """
    days = sorted(set(days))
    with _dates_locked(days):
        for day, figures in range_figures(days):
            with transaction.atomic():
                classes_drop(day)
                rows = _store(day, figures)
            yield day, rows
    # A range is a bulk load (a backfill: 25,000 rows a date). Until the table is analyzed the planner takes its
    # old statistics for the whole table, perhaps those of an empty one: a provincial dashboard at 120 k persons
    # took 150 ms instead of 60. One night's date changes the table's shape little; autovacuum sees to it.
    analyze(IndicatorSnapshot)


def _lock_date(day: dt.date) -> None:
    """On PostgreSQL, hold a transaction-level advisory lock on the date, taken before the records are read: a
    second run of that date (the nightly task, a backfill) waits for the first to commit instead of failing on
    the unique key, then reads what the first read and more."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SNAPSHOT_LOCK, day.toordinal()])


@contextmanager
def _dates_locked(days: list[dt.date]):
    """On PostgreSQL, hold ``_lock_date``'s locks of all ``days`` across several transactions (session-level
    advisory locks: a transaction-level one would end with the reads' transaction, before the first date is
    stored). They conflict with the transaction-level ones of ``snapshots_compute``. Taken in date order, so
    two overlapping ranges cannot deadlock (a nightly run takes a single lock)."""
    if connection.vendor != "postgresql":
        yield
        return
    taken = []
    try:
        with connection.cursor() as cursor:
            for day in days:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [SNAPSHOT_LOCK, day.toordinal()])
                taken.append(day)
        yield
    finally:
        with connection.cursor() as cursor:
            for day in taken:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [SNAPSHOT_LOCK, day.toordinal()])


def _store(day: dt.date, figures: dict, between_regions=None) -> int:
    rows = []
    for code, values in figures.items():
        rows.extend((code, name, *figure) for name, figure in values.items())
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
