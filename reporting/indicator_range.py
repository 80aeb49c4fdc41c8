"""The indicators of many dates in one pass (issue 17 item 2): ``indicators.region_figures`` for every date of a
list, from one read of the records instead of one statement per date.

The rules are those of ``indicators`` (its docstring and FACTS_SQL), clause by clause, and those of the placement
bases' scale (``placement.selectors``). Each table is read once; every person's facts on every date are arrays of
persons × dates, so another date costs array arithmetic, not another scan. A record dated x bears on the dates
D ≥ x, which begin at the index ``first(x)`` (the number of dates before x); a state that holds over [a, b) holds
on the indexes first(a) .. first(b) - 1. A test keeps the two computations equal for every region and date of a
varied population (tests/reporting/test_indicator_range.py).

Persons are read through the system-wide ``counted_by`` scope, as ``region_figures`` reads them. Their records are
read table by table and matched to them in the arrays: a record of a person not read counts nowhere (``_Rows.of``).
On PostgreSQL the reads share one snapshot (REPEATABLE READ), as one statement would.
"""

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from cases.choices import MeasureKind, StatusKind
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.models.measures import REPORT_DAYS
from placement.models import LARGE_SCALE, MEDIUM_SCALE, Placement, PlacementBase
from sunshine.access import SYSTEM
from sunshine.db import DayNumber, day_number
from sunshine.models import Region

from .indicators import COUNTS, RATES, SUMMED, _choices, abstinence_cutoff, named_sql

COMMUNITY = [str(MeasureKind.COMMUNITY_DETOX), str(MeasureKind.COMMUNITY_REHAB)]
BASES = ["bases_100_plus", "bases_50_99", "bases_100_plus_opened", "bases_50_99_opened"]
NONE = 0  # "no such date" among day numbers (DayNumber: a real date is at least 1)
FAR = dt.date.max.toordinal()
CONTRACT = ("contract_start", "contract_end", "left_on")


class _Dates:
    """The dates computed, and where a record's date falls among them."""

    def __init__(self, days: list[dt.date]):
        self.days = days
        self.numbers = np.array([day.toordinal() for day in days], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.days)

    def first(self, numbers: np.ndarray) -> np.ndarray:
        """For each date x (a day number), the index of the first date D ≥ x (len(self) if none)."""
        return np.searchsorted(self.numbers, numbers, side="left")

    def after(self, numbers: np.ndarray) -> np.ndarray:
        """For each date x, the index of the first date D > x (len(self) if none)."""
        return np.searchsorted(self.numbers, numbers, side="right")


# What the persons' figures read: the persons through the system-wide scope, and the records that bear on a date up
# to the last. Each row: a person, a text, four day numbers. The records are read whole, table by table (a scan
# each), not joined to the persons: those of persons not read are left out in the arrays (``_Rows.of``).
READS = {
    "person": "SELECT id, township_id, {registered_on}, CASE WHEN work_capacity = 'none' THEN 1 ELSE 0 END, 0, 0 "
    "FROM ({persons}) persons",
    "transfer": "SELECT person_id, from_township_id, {effective_on}, 0, 0, 0 FROM {transfer} "
    "WHERE status = 'accepted' AND effective_on > %(first)s",
    "event": "SELECT person_id, kind, {occurred_on}, 0, 0, 0 FROM {statusevent} "
    "WHERE kind IN ('deceased', 'departed', 'lost', 'found') AND occurred_on <= %(last)s",
    "measure": "SELECT person_id, kind, {started_on}, {ended_on}, {ordered_on}, {reported_on} FROM {measure} "
    "WHERE started_on <= %(last)s OR ended_on <= %(last)s OR ordered_on <= %(last)s",  # the rest bear on no date
    "relapse": "SELECT person_id, '', {tested_on}, 0, 0, 0 FROM {urinetest} "
    "WHERE result = 'positive' AND tested_on <= %(last)s "
    "UNION ALL SELECT person_id, '', {found_on}, 0, 0, 0 FROM {finding} WHERE found_on <= %(last)s",
    "placement": "SELECT person_id, '', {contract_start}, {contract_end}, {left_on}, 0 FROM {placement} "
    "WHERE contract_start <= %(last)s",
}
DATED = ("registered_on", "effective_on", "occurred_on", "started_on", "ended_on", "ordered_on", "reported_on",
         "tested_on", "found_on", "contract_start", "contract_end", "left_on")  # fmt: skip
TABLES = {
    "transfer": Transfer,
    "statusevent": StatusEvent,
    "measure": Measure,
    "urinetest": UrineTest,
    "finding": DrugUseFinding,
    "placement": Placement,
}


def _records(dates: _Dates) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """READS by source: (person ids, the texts, the day numbers as a 4-row array), the persons in id order. The
    persons are those the system-wide scope counts, registered by the last date."""
    persons, params = named_sql(
        Person.objects.counted_by(SYSTEM)
        .filter(registered_on__lte=dates.days[-1])
        .order_by()
        .values("id", "township_id", "registered_on", "work_capacity")
    )
    names = {name: model._meta.db_table for name, model in TABLES.items()}
    names |= {column: day_number(column) for column in DATED}
    params |= {"first": dates.days[0], "last": dates.days[-1]}
    read = {}
    with connection.cursor() as cursor:
        for source, sql in READS.items():
            cursor.execute(sql.format(persons=persons, **names), params)
            columns = list(zip(*cursor.fetchall(), strict=True)) or [()] * 6
            numbers = np.array(columns[2:], dtype=np.int64).reshape(4, -1)
            read[source] = np.array(columns[0], dtype=np.int64), np.array(columns[1], dtype=object), numbers
    ids, texts, numbers = read["person"]
    order = np.argsort(ids)
    read["person"] = ids[order], texts[order], numbers[:, order]
    return read


def _held(dates: _Dates, begun: np.ndarray, ended: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The date indexes [start, end) on which contracts are held: begun on or before D, neither ended nor left
    before D (the day numbers of CONTRACT)."""
    until = np.minimum(np.where(ended == NONE, FAR, ended), np.where(left == NONE, FAR, left))
    starts = dates.first(begun)
    return starts, np.maximum(dates.after(until), starts)


def _rows(queryset, *fields) -> list[tuple]:
    """The rows of a query as the database driver gives them: no per-value conversion by the ORM, which for a
    few hundred thousand rows costs more than the query (dates come as day numbers, see DayNumber)."""
    sql, params = queryset.order_by().values_list(*fields).query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(queryset, *fields) -> list[np.ndarray]:
    """The integer columns of a query, as arrays."""
    return list(np.array(_rows(queryset, *fields), dtype=np.int64).reshape(-1, len(fields)).T)


class _Rows:
    """Rows of persons × dates (or bases × dates), and each id's row; the records of other ids are left out."""

    def __init__(self, ids: np.ndarray, dates: _Dates):
        self.ids, self.dates, self.width = ids, dates, len(dates) + 1  # a last column for "after every date"

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The row of each of ``ids`` (sorted ``self.ids``) and which of them are there."""
        rows = np.searchsorted(self.ids, ids)
        known = rows < len(self.ids)
        known[known] = self.ids[rows[known]] == ids[known]
        return rows[known], known

    def latest(self, ids: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """rows × dates: the latest of each row's dates on or before D (NONE if none)."""
        rows, known = self.of(ids)
        table = np.zeros(len(self) * self.width, dtype=np.int64)
        np.maximum.at(table, rows * self.width + self.dates.first(numbers[known]), numbers[known])
        return np.maximum.accumulate(table.reshape(len(self), self.width)[:, :-1], axis=1)

    def since(self, ids: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """rows × dates: whether the row has one of the dates on or before D."""
        rows, known = self.of(ids)
        first = np.full(len(self), len(self.dates), dtype=np.int64)
        np.minimum.at(first, rows, self.dates.first(numbers[known]))
        return np.arange(len(self.dates)) >= first[:, None]

    def counting(self, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray | None = None) -> np.ndarray:
        """rows × dates: how many of each row's spans hold D, a span given as the indexes [start, end) (no end:
        to the last date)."""
        rows, known = self.of(ids)
        changes = np.bincount(rows * self.width + starts[known], minlength=len(self) * self.width)
        if ends is not None:
            changes -= np.bincount(rows * self.width + ends[known], minlength=len(self) * self.width)
        return np.cumsum(changes.reshape(len(self), self.width)[:, :-1], axis=1)


def range_figures(days: Iterable[dt.date]) -> Iterator[tuple[dt.date, dict]]:
    """(day, figures) for each of ``days`` in date order, each figures what ``region_figures(day)`` gives."""
    dates = _Dates(sorted(set(days)))
    if not dates.days:
        return
    _choices()  # the configured choices are checked as region_figures checks them
    outside = connection.in_atomic_block
    with transaction.atomic(), _collector_paused():
        if connection.vendor == "postgresql" and not outside:
            with connection.cursor() as cursor:  # the reads below see one state of the database, as one statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        regions = list(Region.objects.values_list("code", "is_urban", "parent_id"))
        codes = [code for code, _urban, _parent in regions]
        index = {code: row for row, code in enumerate(codes)}
        urban = np.array([is_urban for _code, is_urban, _parent in regions], dtype=bool)
        own = np.concatenate([_person_sums(dates, index, urban), _base_sums(dates, index)], axis=1)
    # every region's sums: those of the persons and bases it holds itself and of every region within it
    totals = own.copy()
    parent = [index.get(parent_id, -1) for _code, _urban, parent_id in regions]
    for row in _bottom_up(parent):
        if parent[row] >= 0:
            totals[parent[row]] += totals[row]
    names = [*SUMMED, *BASES]
    numerators = [names.index(name) for name in COUNTS] + [names.index(pair[0]) for pair in RATES.values()]
    denominators = [names.index(denominator) for _numerator, denominator in RATES.values()]
    figures, no_denominator = [*COUNTS, *RATES], [None] * len(COUNTS)
    for column, day in enumerate(dates.days):
        values = totals[:, :, column]
        with _collector_paused():
            rows = zip(codes, values[:, numerators].tolist(), values[:, denominators].tolist(), strict=True)
            figures_of_day = {
                code: dict(zip(figures, zip(above, no_denominator + below, strict=True), strict=True))
                for code, above, below in rows
            }
        yield day, figures_of_day


def _bottom_up(parent: list[int]) -> list[int]:
    """The rows of a tree (each row's parent row, -1 for none) ordered so that every row comes before its
    parent: adding each row into its parent in this order sums every subtree."""
    depth = [0] * len(parent)
    for row in range(len(parent)):
        above = parent[row]
        while above >= 0:
            depth[row] += 1
            above = parent[above]
    return sorted(range(len(parent)), key=lambda row: -depth[row])


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while rows and figures are made: hundreds of thousands of tuples, none in
    a cycle, each batch of which would otherwise have it walk every object of the process (at 120,000 persons it
    took a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _person_sums(dates: _Dates, index: dict[str, int], urban: np.ndarray) -> np.ndarray:
    """regions × SUMMED × dates: the sums of the persons each region holds on each date (FACTS_SQL's
    ``townships``), a region's row its place in ``index``."""
    width = len(dates)
    records = _records(dates)
    ids, township, (registered_on, unable, *_rest) = records["person"]
    persons = _Rows(ids, dates)
    registered = persons.since(ids, registered_on)

    # the township on D: the one left by the first accepted transfer after D (the smallest code of a day's
    # several), else the person's township now
    home = np.repeat(np.array([index[code] for code in township], dtype=np.int64)[:, None], width, axis=1)
    movers, origins, (effective_on, *_rest) = records["transfer"]
    rows, known = persons.of(movers)
    effective_on = effective_on[known]
    moves = zip(effective_on.tolist(), origins[known].tolist(), rows.tolist(),
                dates.first(effective_on).tolist(), strict=True)  # fmt: skip
    # the last written is the first after D, the smallest code of its day
    for _effective_on, origin, row, upto in sorted(moves, reverse=True):
        home[row, :upto] = index[origin]

    owners, kinds, (occurred_on, *_rest) = records["event"]

    def of_kind(kind):
        return owners[kinds == str(kind)], occurred_on[kinds == str(kind)]

    deceased = persons.since(*of_kind(StatusKind.DECEASED))
    departed = persons.since(*of_kind(StatusKind.DEPARTED)) & ~deceased
    lost_on, found_on = persons.latest(*of_kind(StatusKind.LOST)), persons.latest(*of_kind(StatusKind.FOUND))
    lost = (lost_on != NONE) & (lost_on > found_on)

    owners, kinds, (started, ended, ordered, reported) = records["measure"]
    # active on D: started on or before D, not ended on or before D
    starts = np.where(started == NONE, width, dates.first(started))
    ends = np.maximum(np.where(ended == NONE, width, dates.first(ended)), starts)
    control = np.isin(kinds, [str(kind) for kind in settings.INDICATOR_CONTROL_MEASURES])
    community_kind = np.isin(kinds, COMMUNITY)
    any_active = persons.counting(owners, starts, ends) > 0
    active = persons.counting(owners[control], starts[control], ends[control]) > 0
    community = persons.counting(owners[community_kind], starts[community_kind], ends[community_kind]) > 0
    if settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE:
        community &= (unable == 0)[:, None]
    # orders whose 15 days had run out by D, and those of them reported in time
    due = community_kind & (ordered != NONE)
    in_time = due & (reported != NONE) & (reported - ordered <= REPORT_DAYS)
    orders_due = persons.counting(owners[due], dates.first(ordered[due] + REPORT_DAYS))
    reported_in_time = persons.counting(owners[in_time], dates.first(ordered[in_time] + REPORT_DAYS))

    # the abstinence clock S on D: the latest of the date first found, every relapse and every measure's end
    had_ended = ended != NONE
    last_end = persons.latest(owners[had_ended], ended[had_ended])
    relapse = persons.latest(records["relapse"][0], records["relapse"][2][0])
    clock = np.maximum(np.maximum(registered_on[:, None], relapse), last_end)
    cutoffs = np.array([abstinence_cutoff(day).toordinal() for day in dates.days], dtype=np.int64)
    abstinent = ~deceased & ~departed & ~any_active & (clock <= cutoffs)

    # placed on D: a contract begun on or before D, not ended and not left before D
    holders, _texts, contract = records["placement"]
    placed = persons.counting(holders, *_held(dates, *contract[:3])) > 0

    current = ~deceased & ~departed & ~abstinent
    counted = {
        "registered": registered,
        "deceased": deceased,
        "departed": departed,
        "abstinent_3y": abstinent,
        "under_measure": current & active,
        "found": current & ~lost,
        "community": community,
        "placed": community & placed,
    }
    cells = (home * width + np.arange(width))[registered]  # each registered person's region row and date
    sums = np.zeros((len(index), len(SUMMED), width), dtype=np.int64)

    def put(name, values):
        sums[:, SUMMED.index(name), :] = values.reshape(len(index), width)

    for name, holds in counted.items():
        put(name, np.bincount(cells[holds[registered]], minlength=len(index) * width))
    for name, numbers in (("orders_due", orders_due), ("reported_in_time", reported_in_time)):
        put(name, np.bincount(cells, weights=numbers[registered], minlength=len(index) * width).round())
    # the rest follow from these, a region's own persons all in it: urban is the township's
    total = {name: sums[:, SUMMED.index(name), :] for name in SUMMED}
    put("current", total["registered"] - total["deceased"] - total["departed"] - total["abstinent_3y"])
    put("living", total["registered"] - total["deceased"] - total["departed"])
    put("community_urban", total["community"] * urban[:, None])
    put("placed_urban", total["placed"] * urban[:, None])
    return sums


def _base_sums(dates: _Dates, index: dict[str, int]) -> np.ndarray:
    """regions × BASES × dates: each township's placement bases by scale class on each date, and those of them
    opened in that date's year (``indicators._add_base_figures`` for one date). A base's scale on D: the persons
    holding a contract of one year or more there, begun on or before D, not ended and not left before D."""
    width = len(dates)
    bases = PlacementBase.objects.visible_to(SYSTEM).filter(opened_on__lte=dates.days[-1])
    bases = sorted(_rows(bases, "id", "region_id", DayNumber("opened_on")))
    ids = np.array([base[0] for base in bases], dtype=np.int64)
    rows = _Rows(ids, dates)
    held = Placement.objects.counted_by(SYSTEM).filter(
        base__opened_on__lte=dates.days[-1], long_contract=True, contract_start__lte=dates.days[-1]
    )
    at, person, *contract = _columns(held, "base_id", "person_id", *map(DayNumber, CONTRACT))
    # a person counts once at a base, whatever their contracts there: one row per (base, person)
    pairs, pair_of = np.unique(np.stack([at, person]), axis=1, return_inverse=True)
    holding = _Rows(np.arange(pairs.shape[1]), dates).counting(pair_of, *_held(dates, *contract))
    base_rows, known = rows.of(pairs[0])
    scale = np.zeros((len(rows), width), dtype=np.int64)
    np.add.at(scale, base_rows, holding[known] > 0)
    opened_on = np.array([base[2] for base in bases], dtype=np.int64)
    opened = np.arange(width) >= dates.first(opened_on)[:, None]
    this_year = np.array([base.year for base in map(dt.date.fromordinal, opened_on.tolist())])[:, None] == np.array(
        [day.year for day in dates.days]
    )
    large = opened & (scale >= LARGE_SCALE)
    medium = opened & (scale >= MEDIUM_SCALE) & ~large
    sums = np.zeros((len(index), len(BASES), width), dtype=np.int64)
    region = np.array([index[base[1]] for base in bases], dtype=np.int64)
    for position, counted in enumerate((large, medium, large & this_year, medium & this_year)):
        np.add.at(sums[:, position, :], region, counted)
    return sums
