"""The indicators of DESIGN §4, computed for every region as of a date D, set-based.

One SQL statement over persons (grouped by the township each person belonged to on D) gives every
township's numerators and denominators and, summed by code prefix, those of every region above; one
query over placement bases adds their counts. Rows are read through the scope of the province (the one
mechanism, ``counted_by``): the computation counts exactly the persons a provincial officer's figures count, sealed
persons included (DESIGN §3b: a count discloses no one). Drill-down lists read through ``visible_to`` and only count
the sealed persons they leave out. ``abstinent_clocks`` is the abstinent_3y predicate the nightly sealing pass uses.

Definitions (each person counts in the township they belonged to on D):

- ``registered``: registered (date first found) on or before D.
- ``deceased``: registered, with a death event on or before D.
- ``departed``: registered, not deceased, with a left-the-country event on or before D.
- S, the abstinence clock start: the latest, on or before D, of the date first found, every positive
  urine test, every drug-use finding and the end of every measure that has ended.
- ``abstinent_3y``: registered, alive, not departed, no measure active on D, and D ≥ S + 3 calendar years.
- ``current`` = registered − abstinent_3y − deceased − departed.
- ``under_measure``: current persons with a measure active on D of a kind in the setting
  ``INDICATOR_CONTROL_MEASURES`` (default: all six kinds; a suspended CD/CR counts).
- ``control_rate`` = under_measure / current.
- ``whereabouts_rate`` = current persons not lost on D / current (lost: the latest lost/found event on
  or before D is "lost").
- ``consolidation_rate`` = abstinent_3y / (registered − deceased − departed).
- ``placement_rate`` = persons with an active CD/CR on D and an active placement on D / persons with an
  active CD/CR on D (with the setting ``INDICATOR_PLACEMENT_EXCLUDES_UNABLE``, persons recorded as unable to
  work leave both); ``placement_rate_urban`` the same in urban townships (``URBAN_TOWNSHIP_SUFFIXES``: 街道, 镇).
- ``bases_100_plus``, ``bases_50_99``: placement bases by scale class on D (scale: persons holding an
  active contract of one year or more there); ``bases_100_plus_opened``, ``bases_50_99_opened``: those of
  them opened in D's year (the opinion's "15 + 15 bases built each year").
- ``report_rate`` = CD/CR orders whose 15-day deadline had passed by D and that were reported in time /
  those orders (by the township of the person on D).

A rate's value is numerator / denominator; a zero denominator is no data (None), never 0 or 1.
"""

import bisect
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import MeasureKind, TransferStatus
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.models.measures import REPORT_DAYS
from placement.models import LARGE_SCALE, MEDIUM_SCALE, Placement
from placement.selectors import bases_with_scale
from sunshine.access import SYSTEM
from sunshine.dates import add_years
from sunshine.db_router import read_alias
from sunshine.models import Region
from sunshine.regions import Level, RegionCode, within

from .models import ClassedPerson, IndicatorSnapshot

COUNTS = (
    "registered",
    "deceased",
    "departed",
    "abstinent_3y",
    "current",
    "under_measure",
    "bases_100_plus",
    "bases_50_99",
    "bases_100_plus_opened",
    "bases_50_99_opened",
)
RATES = {
    "control_rate": ("under_measure", "current"),
    "whereabouts_rate": ("found", "current"),
    "consolidation_rate": ("abstinent_3y", "living"),
    "placement_rate": ("placed", "community"),
    "placement_rate_urban": ("placed_urban", "community_urban"),
    "report_rate": ("reported_in_time", "orders_due"),
}
CODES = [*COUNTS, *RATES]
LABELS = {
    "registered": _("Registered"),
    "deceased": _("Deceased"),
    "departed": _("Left the country"),
    "abstinent_3y": _("Abstinent three years"),
    "current": _("Current drug users"),
    "under_measure": _("Under a measure"),
    "bases_100_plus": _("Placement bases of 100 or more"),
    "bases_50_99": _("Placement bases of 50 to 99"),
    "bases_100_plus_opened": _("Bases of 100 or more opened this year"),
    "bases_50_99_opened": _("Bases of 50 to 99 opened this year"),
    "control_rate": _("Control rate"),
    "whereabouts_rate": _("Whereabouts rate"),
    "consolidation_rate": _("Consolidation rate"),
    "placement_rate": _("Placement rate"),
    "placement_rate_urban": _("Urban placement rate"),
    "report_rate": _("Report rate"),
}
ABSTINENCE_YEARS = 3


def abstinence_cutoff(day: dt.date) -> dt.date:
    """The latest clock start S with S + 3 calendar years ≤ ``day`` (29 February counts to the 28th)."""
    cutoff = add_years(day, -ABSTINENCE_YEARS)
    while add_years(cutoff + dt.timedelta(days=1), ABSTINENCE_YEARS) <= day:
        cutoff += dt.timedelta(days=1)
    return cutoff


# One statement per date. The persons come through the scope (``visible_to``); every other table's rows
# that bear on D are read once, turned into columns, grouped by person in one aggregate and joined to them:
# no per-person subquery is repeated (one aggregate and one join instead of one per table: 30% faster).
FACTS_SQL = """
WITH persons AS ({persons}),
moved AS (
    SELECT t.person_id, MIN(t.from_township_id) AS township
    FROM {transfer} t
    JOIN (SELECT person_id, MIN(effective_on) AS first_day FROM {transfer}
          WHERE status = 'accepted' AND effective_on > %(day)s GROUP BY person_id) f
      ON f.person_id = t.person_id AND f.first_day = t.effective_on
    WHERE t.status = 'accepted'
    GROUP BY t.person_id
),
-- every other record of a person on one row: the rows of each table that bear on D, as columns, one aggregate
records AS (
    SELECT person_id,
           MAX(deceased) AS deceased, MAX(departed) AS departed, MAX(lost_on) AS lost_on, MAX(found_on) AS found_on,
           MAX(any_active) AS any_active, MAX(active) AS active, MAX(community) AS community,
           MAX(last_end) AS last_end, SUM(orders_due) AS orders_due, SUM(reported_in_time) AS reported_in_time,
           MAX(relapse) AS relapse, MAX(placed) AS placed
    FROM (
        SELECT person_id,
               CASE WHEN kind = 'deceased' THEN 1 ELSE 0 END AS deceased,
               CASE WHEN kind = 'departed' THEN 1 ELSE 0 END AS departed,
               CASE WHEN kind = 'lost' THEN occurred_on END AS lost_on,
               CASE WHEN kind = 'found' THEN occurred_on END AS found_on,
               0 AS any_active, 0 AS active, 0 AS community, CAST(NULL AS DATE) AS last_end, 0 AS orders_due,
               0 AS reported_in_time, CAST(NULL AS DATE) AS relapse, 0 AS placed
        FROM {statusevent} WHERE occurred_on <= %(day)s{of_persons}
        UNION ALL
        SELECT person_id, 0, 0, NULL, NULL,
               CASE WHEN started_on <= %(day)s AND (ended_on IS NULL OR ended_on > %(day)s) THEN 1 ELSE 0 END,
               CASE WHEN started_on <= %(day)s AND (ended_on IS NULL OR ended_on > %(day)s)
                         AND kind IN ({control_kinds}) THEN 1 ELSE 0 END,
               CASE WHEN started_on <= %(day)s AND (ended_on IS NULL OR ended_on > %(day)s)
                         AND kind IN ('community_detox', 'community_rehab') THEN 1 ELSE 0 END,
               CASE WHEN ended_on <= %(day)s THEN ended_on END,
               CASE WHEN kind IN ('community_detox', 'community_rehab') AND ordered_on <= %(report_cutoff)s
                    THEN 1 ELSE 0 END,
               CASE WHEN kind IN ('community_detox', 'community_rehab') AND ordered_on <= %(report_cutoff)s
                         AND reported_on IS NOT NULL AND {reported_in_time} THEN 1 ELSE 0 END,
               NULL, 0
        FROM {measure}  -- the rest add nothing:
        WHERE (started_on <= %(day)s OR ended_on <= %(day)s OR ordered_on <= %(report_cutoff)s){of_persons}
        UNION ALL
        SELECT person_id, 0, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0, tested_on, 0
        FROM {urinetest} WHERE result = 'positive' AND tested_on <= %(day)s{of_persons}
        UNION ALL
        SELECT person_id, 0, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0, found_on, 0 FROM {finding}
        WHERE found_on <= %(day)s{of_persons}
        UNION ALL
        SELECT person_id, 0, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0, NULL, 1 FROM {placement}
        WHERE contract_start <= %(day)s AND (contract_end IS NULL OR contract_end >= %(day)s)
          AND (left_on IS NULL OR left_on >= %(day)s){of_persons}
    ) rows_of_d
    GROUP BY person_id
),
facts AS (
    SELECT p.id, COALESCE(moved.township, p.township_id) AS township,
           COALESCE(r.deceased, 0) AS deceased,
           CASE WHEN COALESCE(r.deceased, 0) = 0 THEN COALESCE(r.departed, 0) ELSE 0 END AS departed,
           CASE WHEN r.lost_on IS NOT NULL AND (r.found_on IS NULL OR r.lost_on > r.found_on)
                THEN 1 ELSE 0 END AS lost,
           COALESCE(r.any_active, 0) AS any_active,
           COALESCE(r.active, 0) AS active,
           CASE WHEN {excludes_unable} AND p.work_capacity = 'none' THEN 0
                ELSE COALESCE(r.community, 0) END AS community,
           COALESCE(r.placed, 0) AS placed,
           COALESCE(r.orders_due, 0) AS orders_due,
           COALESCE(r.reported_in_time, 0) AS reported_in_time,
           CASE WHEN p.registered_on >= COALESCE(r.relapse, p.registered_on)
                 AND p.registered_on >= COALESCE(r.last_end, p.registered_on) THEN p.registered_on
                WHEN COALESCE(r.relapse, p.registered_on) >= COALESCE(r.last_end, p.registered_on)
                THEN r.relapse ELSE r.last_end END AS clock
    FROM persons p
    LEFT JOIN moved ON moved.person_id = p.id
    LEFT JOIN records r ON r.person_id = p.id
),
classed AS (
    SELECT f.id, f.township, deceased, departed, lost, active, community, placed, r.is_urban, orders_due,
           reported_in_time, clock,
           CASE WHEN deceased = 0 AND departed = 0 AND any_active = 0 AND clock <= %(cutoff)s THEN 1 ELSE 0 END
             AS abstinent
    FROM facts f JOIN {region} r ON r.code = f.township
)
"""

# Each township's sums, then each region above as the sum of its townships, grouped by code prefix
# (a county is the first 6 digits of its townships' codes): one statement for every region. (A person held
# by a region that is not a township, which the forms never offer, would count in the regions above only.)
TOWNSHIP_SUMS = """
, townships AS (
    SELECT c.township,
           COUNT(*) AS registered,
           SUM(deceased) AS deceased,
           SUM(departed) AS departed,
           SUM(abstinent) AS abstinent_3y,
           SUM(1 - deceased - departed - abstinent) AS current,
           SUM(CASE WHEN deceased + departed + abstinent = 0 AND active = 1 THEN 1 ELSE 0 END) AS under_measure,
           SUM(CASE WHEN deceased + departed + abstinent = 0 AND lost = 0 THEN 1 ELSE 0 END) AS found,
           SUM(1 - deceased - departed) AS living,
           SUM(community) AS community,
           SUM(community * placed) AS placed,
           SUM(CASE WHEN is_urban THEN community ELSE 0 END) AS community_urban,
           SUM(CASE WHEN is_urban THEN community * placed ELSE 0 END) AS placed_urban,
           SUM(orders_due) AS orders_due,
           SUM(reported_in_time) AS reported_in_time
    FROM classed c
    GROUP BY c.township
)
"""
SUMMED = ("registered", "deceased", "departed", "abstinent_3y", "current", "under_measure", "found", "living",
          "community", "placed", "community_urban", "placed_urban", "orders_due", "reported_in_time")  # fmt: skip
# (constants only below, no input: S608 does not apply)
_LEVELS = [f"SELECT township, {', '.join(SUMMED)} FROM townships WHERE length(township) = 9"]  # noqa: S608
_ABOVE = ", ".join(f"SUM({name})" for name in SUMMED)
_LEVELS += [f"SELECT substr(township, 1, {n}), {_ABOVE} FROM townships GROUP BY 1" for n in (2, 4, 6)]  # noqa: S608
FIGURES_SQL = TOWNSHIP_SUMS + "\nUNION ALL\n".join(_LEVELS)


# Who is behind each person-based figure: the numerator's and the denominator's condition on ``classed``,
# the same expressions the figures sum (so a list and its figure always agree).
CURRENT = "deceased + departed + abstinent = 0"
PERSON_CONDITIONS = {
    "registered": ("1 = 1", None),
    "deceased": ("deceased = 1", None),
    "departed": ("departed = 1", None),
    "abstinent_3y": ("abstinent = 1", None),
    "current": (CURRENT, None),
    "under_measure": (f"{CURRENT} AND active = 1", None),
    "control_rate": (f"{CURRENT} AND active = 1", CURRENT),
    "whereabouts_rate": (f"{CURRENT} AND lost = 0", CURRENT),
    "consolidation_rate": ("abstinent = 1", "deceased + departed = 0"),
    "placement_rate": ("community = 1 AND placed = 1", "community = 1"),
    "placement_rate_urban": ("community = 1 AND placed = 1 AND is_urban", "community = 1 AND is_urban"),
}


def _choices() -> dict[str, str]:
    """The configurable choices of DESIGN §4 (settings) as SQL fragments; the measure kinds are checked first."""
    kinds = settings.INDICATOR_CONTROL_MEASURES
    unknown = set(kinds) - set(MeasureKind.values)
    if unknown or not kinds:
        raise ImproperlyConfigured(f"INDICATOR_CONTROL_MEASURES: unknown or no measure kinds {sorted(unknown)}")
    # "reported within 15 days of the order", in each database's date arithmetic
    in_time = (
        "reported_on <= ordered_on + {days}"
        if connection.vendor == "postgresql"
        else ("julianday(reported_on) - julianday(ordered_on) <= {days}")
    )
    return {
        "reported_in_time": in_time.format(days=REPORT_DAYS),
        "control_kinds": ", ".join(f"'{kind}'" for kind in kinds),
        "excludes_unable": "1 = 1" if settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE else "1 = 0",
    }


def _facts_statement(
    day: dt.date, persons, tail: str, region_code: str | None = None, viewer=SYSTEM
) -> tuple[str, dict]:
    """FACTS_SQL over ``persons`` (a scoped queryset), followed by ``tail`` (a SELECT on ``classed``). With
    ``region_code`` the persons are narrowed to those who may belong to that region on D and the records read
    are theirs only (``tail`` still chooses the region's rows, by ``township LIKE %(prefix)s``); ``viewer`` is
    whom the transfers out of the region are read as (counted, as the persons may be sealed ones)."""
    persons = persons.filter(registered_on__lte=day).order_by()
    if region_code is not None:
        # Those whose township on D may lie in the region: their township now, or one they left by an accepted
        # transfer after D (``moved`` may make it their township on D). Each records branch then reads only their
        # rows, before aggregating: a county's drill-down no longer aggregates the whole province (issue 17).
        left_after = Transfer.objects.counted_by(viewer).filter(
            within("from_township", region_code), status=TransferStatus.ACCEPTED, effective_on__gt=day
        )
        persons = persons.filter(Person.scope.condition(region_code) | Q(pk__in=left_after.values("person_id")))
    persons_sql, named = named_sql(persons.values("id", "township_id", "registered_on", "work_capacity"))
    tables = {
        "transfer": Transfer._meta.db_table,
        "statusevent": StatusEvent._meta.db_table,
        "measure": Measure._meta.db_table,
        "urinetest": UrineTest._meta.db_table,
        "finding": DrugUseFinding._meta.db_table,
        "placement": Placement._meta.db_table,
        "region": Region._meta.db_table,
    }
    of_persons = ""
    if region_code is not None:
        named["prefix"] = f"{region_code}%"  # for ``tail``: the township on D is computed, not a column
        of_persons = " AND person_id IN (SELECT id FROM persons)"
    sql = FACTS_SQL.format(persons=persons_sql, of_persons=of_persons, **tables, **_choices()) + tail
    report_cutoff = day - dt.timedelta(days=REPORT_DAYS)  # orders whose 15 days had run out by D
    return sql, {**named, "day": day, "cutoff": abstinence_cutoff(day), "report_cutoff": report_cutoff}


def named_sql(queryset, prefix: str = "p") -> tuple[str, dict]:
    """A queryset's SQL with its parameters named (p0, p1, ... or another ``prefix``), to be part of a statement
    that names its own."""
    sql, params = queryset.query.sql_with_params()
    named = {f"{prefix}{n}": value for n, value in enumerate(params)}
    return sql.replace("%s", "{}").format(*(f"%({key})s" for key in named)), named


def _add_base_figures(sums, day: dt.date, viewer) -> None:
    """The placement bases' counts, added to their township and every region above it."""
    bases = bases_with_scale(user=viewer, day=day).filter(opened_on__lte=day)
    for township, scale, opened_on in bases.values_list("region_id", "scale", "opened_on"):
        kind = "bases_100_plus" if scale >= LARGE_SCALE else "bases_50_99" if scale >= MEDIUM_SCALE else None
        if kind is None:
            continue
        for code in set(RegionCode(township).lineage) & sums.keys():  # a code once, if it exists
            sums[code][kind] += 1
            sums[code][f"{kind}_opened"] += opened_on.year == day.year


def ranks(values: dict) -> dict:
    """Each key's rank by its value, largest first; equal values share a rank and the next one skips (1, 2, 2, 4);
    no data (None) has no rank. The one ranking of the dashboards, the bulletin and the assessment report."""
    present = sorted(value for value in values.values() if value is not None)
    # (one more than the number of values above it: those after the last of its equals in the sorted list)
    return {
        key: None if value is None else 1 + len(present) - bisect.bisect_right(present, value)
        for key, value in values.items()
    }


def region_figures(day: dt.date, viewer=SYSTEM) -> dict[str, dict[str, tuple[int, int | None]]]:
    """Every region's figures on ``day`` as {region: {indicator: (numerator, denominator)}} (a count's
    denominator is None): townships' sums rolled up to county, prefecture and province, read by the system-wide
    reader unless another viewer is given."""
    return _summed_figures(*_facts_statement(day, Person.objects.counted_by(viewer), FIGURES_SQL), day, viewer)


def _summed_figures(sql: str, params: dict, day: dt.date, viewer) -> dict[str, dict[str, tuple[int, int | None]]]:
    """The figures of a statement that ends in ``FIGURES_SQL`` (sums by region code), with the bases' counts."""
    sums: dict[str, dict[str, int]] = {code: defaultdict(int) for code in Region.objects.values_list("code", flat=True)}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Parallel workers would each build the same hash table of every CTE: on the 2-core reference
            # machine one process is faster (0.40 s against 0.56 s at province scale, bench/indicators.py).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        for code, *values in cursor.fetchall():
            if code in sums:
                sums[code].update(zip(SUMMED, (int(value or 0) for value in values), strict=True))
    _add_base_figures(sums, day, viewer)
    return figures_of(sums)


# The stored classes (``ClassedPerson``): the facts statement's ``classed`` rows of a date, kept so that the figures
# stored for that date and its drill-downs read the same rows, and a drill-down reads a page of its region's rows
# instead of recomputing every person in it (a province's: 120,000 persons).
CLASSED = ("township", "deceased", "departed", "lost", "active", "community", "placed", "is_urban", "orders_due",
           "reported_in_time", "abstinent")  # fmt: skip
CLASSES_KEPT = 2  # dates: the latest, and the one before (a page drawn just before the nightly run still lists)


def classes_store(day: dt.date) -> dict[str, dict[str, tuple[int, int | None]]]:
    """Store every person's classes on ``day`` (the province's reader: sealed persons too) in place of that date's,
    and return the figures they sum to: the figures ``region_figures(day)`` gives, from the very rows the
    drill-downs of ``day`` will list. Part of the caller's transaction. Then only the latest ``CLASSES_KEPT`` dates
    are kept (``day``'s own go again when it is older: an older date recomputed, its drill-downs class live)."""
    table = ClassedPerson._meta.db_table
    columns = ", ".join(CLASSED)
    # in region order: a region's rows lie together on disk, so a drill-down's count reads a few pages, not one per row
    select = f"SELECT %(day)s, id, {columns} FROM classed ORDER BY township, id"  # noqa: S608 (constant names)
    sql, params = _facts_statement(day, Person.objects.counted_by(SYSTEM), select)
    classes_drop(day)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (date, person_id, {columns}) {sql}", params)
    stored = f"WITH classed AS (SELECT person_id AS id, {columns} FROM {table} WHERE date = %(day)s)"  # noqa: S608
    figures = _summed_figures(stored + FIGURES_SQL, {"day": day}, day, SYSTEM)  # before the oldest dates go
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date FROM {table} ORDER BY date DESC LIMIT %s", [CLASSES_KEPT])  # noqa: S608
        kept = [stored_day for (stored_day,) in cursor.fetchall()]  # (none: no one was registered by ``day``)
        if kept:
            cursor.execute(f"DELETE FROM {table} WHERE date < %s", [kept[-1]])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")  # the planner's view of the new rows, before autovacuum gets to it
    return figures


def classes_drop(day: dt.date) -> None:
    """Drop the stored classes of ``day`` (its figures are being replaced by a computation that stores none)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ClassedPerson._meta.db_table} WHERE date = %s", [day])  # noqa: S608


@contextmanager
def one_reading():
    """The reads within, on the reading database, see one snapshot of it (PostgreSQL: a REPEATABLE READ transaction;
    inside a transaction already, that one's)."""
    alias = read_alias()
    reader = connections[alias]
    outermost = not reader.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and reader.vendor == "postgresql":
            with reader.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def classes_stored(day: dt.date) -> bool:
    """Whether the classes of ``day`` are stored (on the reading database): its drill-downs read them."""
    with connections[read_alias()].cursor() as cursor:  # (a date, not a person: no scope to read through)
        cursor.execute(f"SELECT 1 FROM {ClassedPerson._meta.db_table} WHERE date = %s LIMIT 1", [day])  # noqa: S608
        return cursor.fetchone() is not None


def drill_conditions(indicator: str) -> dict[str, str]:
    """A person-based figure's lists as conditions on ``classed``: its numerator, its denominator (a rate's) and
    the complement (the denominator's persons outside the numerator)."""
    numerator, denominator = PERSON_CONDITIONS[indicator]
    if denominator is None:
        return {"numerator": numerator}
    complement = f"({denominator}) AND NOT ({numerator})"
    return {"complement": complement, "numerator": numerator, "denominator": denominator}


def _sealed_ids(viewer, prefix: str) -> tuple[str, dict]:
    """The ids of the persons sealed from ``viewer`` (``sealed_from``) as SQL with named parameters."""
    return named_sql(Person.objects.sealed_from(viewer).order_by().values("id"), prefix=prefix)


def _stored_classed(day: dt.date, region_code: str, viewer, *, persons: str) -> tuple[str, dict]:
    """A ``classed`` CTE of the stored rows of ``day`` in ``region_code`` (its township on D) of the persons
    ``viewer``'s figures count (``persons="counted"``), of those ``viewer`` sees (``"visible"``: the counted less the
    sealed, as ``visible_to`` is ``counted_by`` less ``sealed_from``, a few left out rather than every other one
    joined), or of the sealed ones alone (``"sealed"``: ``sealed_from``)."""
    columns = ", ".join(f"c.{column}" for column in CLASSED)
    where, params = "c.date = %(day)s AND c.township LIKE %(prefix)s", {"day": day, "prefix": f"{region_code}%"}
    if persons == "sealed":
        hidden_sql, hidden = _sealed_ids(viewer, "h")
        where, params = f"{where} AND c.person_id IN ({hidden_sql})", {**params, **hidden}
    elif not Person.scope.counts_all(viewer):  # (the province's officers count everyone: no join to every person)
        counted_sql, counted = named_sql(Person.objects.counted_by(viewer).order_by().values("id"))
        where, params = f"{where} AND c.person_id IN ({counted_sql})", {**params, **counted}
    if persons == "visible":
        hidden_sql, hidden = _sealed_ids(viewer, "h")
        where, params = f"{where} AND c.person_id NOT IN ({hidden_sql})", {**params, **hidden}
    table = ClassedPerson._meta.db_table
    return f"WITH classed AS (SELECT c.person_id AS id, {columns} FROM {table} c WHERE {where}) ", params  # noqa: S608


def stored_counts(*, day: dt.date, region_code: str, indicator: str, viewer) -> dict[str, tuple[int, int]]:
    """Each list of ``drill_conditions`` as (the persons ``viewer`` sees in it, the sealed ones it leaves out),
    from the stored classes of ``day`` (in the caller's ``one_reading``). A viewer who counts every person
    (``counts_all``) counts every stored row of the region: the figure itself, which the run summed from these very
    rows (``snapshots_compute``: only it writes both), less the sealed persons among them; anyone else's are summed
    from the rows, one statement."""
    conditions = drill_conditions(indicator)
    if Person.scope.counts_all(viewer):
        figure = (
            IndicatorSnapshot.objects.visible_to(viewer)
            .using(read_alias())
            .filter(date=day, region_id=region_code, indicator=indicator)
            .values_list("numerator", "denominator")
            .first()
        )
        # (a figure of the lists' shape: a rate's with a denominator, a count's without)
        if figure is not None and (figure[1] is None) == ("denominator" not in conditions):
            numerator, denominator = figure
            totals = {"numerator": numerator, "denominator": denominator}
            if denominator is not None:
                totals["complement"] = denominator - numerator
            sealed = _summed_counts(day, region_code, indicator, viewer, persons="sealed")
            return {key: (totals[key] - hidden, hidden) for key, (_shown, hidden) in sealed.items()}
    return _summed_counts(day, region_code, indicator, viewer, persons="counted")


def _summed_counts(day: dt.date, region_code: str, indicator: str, viewer, *, persons: str) -> dict:
    """``stored_counts`` summed from the stored rows of ``persons`` (``_stored_classed``): one statement."""
    conditions = drill_conditions(indicator)
    sql, params = _stored_classed(day, region_code, viewer, persons=persons)
    # the counted persons the viewer does not see are the sealed ones (``sealed_from``): few, unlike those they see
    hidden_sql, hidden = _sealed_ids(viewer, "s")
    sums = ", ".join(
        f"SUM(CASE WHEN {condition} AND hidden.id IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {condition} AND hidden.id IS NOT NULL THEN 1 ELSE 0 END)"
        for condition in conditions.values()
    )
    sql += f"SELECT {sums} FROM classed LEFT JOIN ({hidden_sql}) hidden ON hidden.id = classed.id"  # noqa: S608
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, {**params, **hidden})
        row = [int(value or 0) for value in cursor.fetchone()]
    return {key: (row[2 * n], row[2 * n + 1]) for n, key in enumerate(conditions)}


class StoredList:
    """One list of a drill-down read from the stored classes, for ``Paginator``: its count is known, and a slice reads
    that page's ids in id order (one statement)."""

    def __init__(self, *, day: dt.date, region_code: str, condition: str, viewer, count: int):
        self.sql, self.params = _stored_classed(day, region_code, viewer, persons="visible")
        self.sql += f"SELECT id FROM classed WHERE {condition} ORDER BY id LIMIT %(limit)s OFFSET %(offset)s"  # noqa: S608
        self._count = count

    def count(self) -> int:
        return self._count

    def __getitem__(self, page: slice) -> list[int]:
        with connections[read_alias()].cursor() as cursor:
            cursor.execute(self.sql, {**self.params, "offset": page.start, "limit": page.stop - page.start})
            return [pk for (pk,) in cursor.fetchall()]


def figures_of(sums: dict[str, dict[str, int]]) -> dict[str, dict[str, tuple[int, int | None]]]:
    """Each region's figures from its sums: the counts, and each rate's numerator and denominator."""
    return {
        code: {name: (totals[name], None) for name in COUNTS}
        | {name: (totals[numerator], totals[denominator]) for name, (numerator, denominator) in RATES.items()}
        for code, totals in sums.items()
    }


def _in_region(condition: str | None) -> str:
    """A condition of PERSON_CONDITIONS as a 0/1 column (1 for a count's missing denominator)."""
    return "1" if condition is None else f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _read_narrowed(sql: str, params: dict, region_code: str) -> list[tuple]:
    """The rows of a facts statement narrowed to ``region_code``, from the reading database. A prefecture or the
    province holds tens of thousands of persons, but the planner cannot tell how many distinct ids the ``persons``
    CTE holds (it takes 200) and looks each one's records up in turn; there it is told to hash-join instead (a
    prefecture's lists at 120,000 persons: 1.0 s -> 0.55 s). A county's few thousand are faster looked up."""
    alias = read_alias()
    hashed = connections[alias].vendor == "postgresql" and RegionCode(region_code).level in (
        Level.PROVINCE,
        Level.PREFECTURE,
    )
    with transaction.atomic(using=alias) if hashed else nullcontext(), connections[alias].cursor() as cursor:
        if hashed:
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def drill_down(*, day: dt.date, region_code: str, indicator: str, viewer) -> tuple[list[int], list[int] | None]:
    """The ids of the persons behind a figure's numerator and denominator (None for a count), as ``viewer``
    sees them: the same facts and conditions as the figure, so for a viewer who sees the whole region the
    list lengths equal the figure. One statement, over the region's persons only, gives both lists."""
    numerator, denominator = PERSON_CONDITIONS[indicator]
    # ``numerator`` and ``denominator`` are constant fragments above, never user input.
    tail = (
        f"SELECT id, {_in_region(numerator)}, {_in_region(denominator)} FROM classed "  # noqa: S608
        f"WHERE township LIKE %(prefix)s AND ({numerator} OR {denominator or numerator}) ORDER BY id"
    )
    sql, params = _facts_statement(day, Person.objects.visible_to(viewer), tail, region_code, viewer)
    rows = _read_narrowed(sql, params, region_code)
    counted = [pk for pk, in_numerator, _ in rows if in_numerator]
    return counted, None if denominator is None else [pk for pk, _, in_denominator in rows if in_denominator]


def drill_down_sealed(*, day: dt.date, region_code: str, indicator: str, viewer) -> tuple[int, int | None]:
    """How many sealed persons ``drill_down`` leaves out of the numerator's and the denominator's lists ("and N
    sealed persons"): counted with the same facts and conditions, never named, in one statement."""
    numerator, denominator = PERSON_CONDITIONS[indicator]
    tail = (
        f"SELECT SUM({_in_region(numerator)}), SUM({_in_region(denominator)}) FROM classed "  # noqa: S608
        "WHERE township LIKE %(prefix)s"
    )
    sql, params = _facts_statement(day, Person.objects.sealed_from(viewer), tail, region_code, viewer)
    [row] = _read_narrowed(sql, params, region_code)
    counted, in_denominator = (int(value or 0) for value in row)
    return counted, None if denominator is None else in_denominator


def abstinent_clocks(day: dt.date) -> dict[int, dt.date]:
    """The persons of the province who count as abstinent_3y on ``day`` — the figure's own condition on the same
    facts, sealed persons included — each with their abstinence clock start S. The nightly sealing pass seals
    with this (DESIGN §3b: the same rule as §4)."""
    condition = PERSON_CONDITIONS["abstinent_3y"][0]
    tail = f"SELECT id, clock FROM classed WHERE {condition}"  # noqa: S608
    sql, params = _facts_statement(day, Person.objects.counted_by(SYSTEM), tail)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: clock if isinstance(clock, dt.date) else dt.date.fromisoformat(clock) for pk, clock in cursor}
