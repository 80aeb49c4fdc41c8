"""The indicators of many dates in one pass (issue 17 item 2): ``indicators.region_figures`` for every date of a
list, from one read of the records instead of one statement per date.

The rules are those of ``indicators`` (its docstring and FACTS_SQL), clause by clause, and those of the placement
bases' scale (``placement.selectors``). Each table is read once; every person's facts on every date are arrays of
persons × dates, so another date costs array arithmetic, not another scan. A record dated x bears on the dates
D ≥ x, which begin at the index ``first(x)`` (the number of dates before x); a state that holds over [a, b) holds
on the indexes first(a) .. first(b) - 1. A test keeps the two computations equal for every region and date of a
varied population (tests/reporting/test_indicator_range.py).

Persons are read through the system-wide ``counted_by`` scope, as ``region_figures`` reads them, and their records
through the same scope; on PostgreSQL the reads share one snapshot (REPEATABLE READ), as one statement would.
"""

import datetime as dt
from collections.abc import Iterable, Iterator

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from cases.choices import MeasureKind, StatusKind, TestResult, TransferStatus
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.models.measures import REPORT_DAYS
from placement.models import LARGE_SCALE, MEDIUM_SCALE, Placement, PlacementBase
from sunshine.access import SYSTEM
from sunshine.db import DayNumber
from sunshine.models import Region
from sunshine.regions import RegionCode

from .indicators import COUNTS, RATES, SUMMED, _choices, abstinence_cutoff

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
    regions = list(Region.objects.values_list("code", "is_urban"))
    codes = [code for code, _urban in regions]
    index = {code: row for row, code in enumerate(codes)}
    outside = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outside:
            with connection.cursor() as cursor:  # the reads below see one state of the database, as one statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        urban = np.array([is_urban for _code, is_urban in regions], dtype=bool)
        own = np.concatenate([_person_sums(dates, index, urban), _base_sums(dates, index)], axis=1)
    # every region's sums: those of the persons and bases it holds itself and of every region within it
    pairs = [(row, index[up]) for row, code in enumerate(codes) for up in RegionCode(code).lineage if up in index]
    totals = np.zeros_like(own)
    np.add.at(totals, np.array([up for _row, up in pairs]), own[[row for row, _up in pairs]])
    names = [*SUMMED, *BASES]
    numerators = [names.index(name) for name in COUNTS] + [names.index(pair[0]) for pair in RATES.values()]
    denominators = [names.index(denominator) for _numerator, denominator in RATES.values()]
    figures, no_denominator = [*COUNTS, *RATES], [None] * len(COUNTS)
    for column, day in enumerate(dates.days):
        values = totals[:, :, column]
        rows = zip(codes, values[:, numerators].tolist(), values[:, denominators].tolist(), strict=True)
        yield (
            day,
            {
                code: dict(zip(figures, zip(above, no_denominator + below, strict=True), strict=True))
                for code, above, below in rows
            },
        )


def _person_sums(dates: _Dates, index: dict[str, int], urban: np.ndarray) -> np.ndarray:
    """regions × SUMMED × dates: the sums of the persons each region holds on each date (FACTS_SQL's
    ``townships``), a region's row its place in ``index``."""
    last, width = dates.days[-1], len(dates)
    people = Person.objects.counted_by(SYSTEM).filter(registered_on__lte=last)
    people = sorted(_rows(people, "id", DayNumber("registered_on"), "township_id", "work_capacity"))
    ids = np.array([person[0] for person in people], dtype=np.int64)
    registered_on = np.array([person[1] for person in people], dtype=np.int64)
    persons = _Rows(ids, dates)
    registered = persons.since(ids, registered_on)

    # the township on D: the one left by the first accepted transfer after D (the smallest code of a day's
    # several), else the person's township now
    home = np.array([index[person[2]] for person in people], dtype=np.int64)  # each person's region row
    home = np.repeat(home[:, None], width, axis=1)
    accepted = Transfer.objects.counted_by(SYSTEM).filter(
        status=TransferStatus.ACCEPTED, effective_on__gt=dates.days[0]
    )
    # the last written is the first after D, the smallest code of its day
    transfers = sorted(_rows(accepted, "person_id", "from_township_id", DayNumber("effective_on")),
                       key=lambda transfer: (transfer[2], transfer[1]), reverse=True)  # fmt: skip
    movers = np.array([transfer[0] for transfer in transfers], dtype=np.int64)
    rows, known = persons.of(movers)
    before = dates.first(np.array([transfer[2] for transfer in transfers], dtype=np.int64))[known]
    origins = [index[transfer[1]] for transfer, is_known in zip(transfers, known.tolist(), strict=True) if is_known]
    for row, upto, origin in zip(rows.tolist(), before.tolist(), origins, strict=True):
        home[row, :upto] = origin

    events = StatusEvent.objects.counted_by(SYSTEM).filter(occurred_on__lte=last)
    deceased = persons.since(*_columns(events.filter(kind=StatusKind.DECEASED), "person_id", DayNumber("occurred_on")))
    departed = persons.since(*_columns(events.filter(kind=StatusKind.DEPARTED), "person_id", DayNumber("occurred_on")))
    departed &= ~deceased
    lost_on = persons.latest(*_columns(events.filter(kind=StatusKind.LOST), "person_id", DayNumber("occurred_on")))
    found_on = persons.latest(*_columns(events.filter(kind=StatusKind.FOUND), "person_id", DayNumber("occurred_on")))
    lost = (lost_on != NONE) & (lost_on > found_on)

    measures = _rows(
        Measure.objects.counted_by(SYSTEM),
        "kind", "person_id", *map(DayNumber, ("started_on", "ended_on", "ordered_on", "reported_on")),
    )  # fmt: skip
    kinds = np.array([measure[0] for measure in measures], dtype=object)
    owners, started, ended, ordered, reported = (
        np.array([measure[1:] for measure in measures], dtype=np.int64).reshape(-1, 5).T
    )
    # active on D: started on or before D, not ended on or before D
    starts = np.where(started == NONE, width, dates.first(started))
    ends = np.maximum(np.where(ended == NONE, width, dates.first(ended)), starts)
    control = np.isin(kinds, [str(kind) for kind in settings.INDICATOR_CONTROL_MEASURES])
    community_kind = np.isin(kinds, COMMUNITY)
    any_active = persons.counting(owners, starts, ends) > 0
    active = persons.counting(owners[control], starts[control], ends[control]) > 0
    community = persons.counting(owners[community_kind], starts[community_kind], ends[community_kind]) > 0
    if settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE:
        community &= np.array([person[3] != "none" for person in people], dtype=bool)[:, None]
    # orders whose 15 days had run out by D, and those of them reported in time
    due = community_kind & (ordered != NONE)
    in_time = due & (reported != NONE) & (reported - ordered <= REPORT_DAYS)
    orders_due = persons.counting(owners[due], dates.first(ordered[due] + REPORT_DAYS))
    reported_in_time = persons.counting(owners[in_time], dates.first(ordered[in_time] + REPORT_DAYS))

    # the abstinence clock S on D: the latest of the date first found, every relapse and every measure's end
    had_ended = ended != NONE
    last_end = persons.latest(owners[had_ended], ended[had_ended])
    positive = UrineTest.objects.counted_by(SYSTEM).filter(result=TestResult.POSITIVE, tested_on__lte=last)
    findings = DrugUseFinding.objects.counted_by(SYSTEM).filter(found_on__lte=last)
    tested = _columns(positive, "person_id", DayNumber("tested_on"))
    found = _columns(findings, "person_id", DayNumber("found_on"))
    relapse = persons.latest(np.concatenate([tested[0], found[0]]), np.concatenate([tested[1], found[1]]))
    clock = np.maximum(np.maximum(registered_on[:, None], relapse), last_end)
    cutoffs = np.array([abstinence_cutoff(day).toordinal() for day in dates.days], dtype=np.int64)
    abstinent = ~deceased & ~departed & ~any_active & (clock <= cutoffs)

    # placed on D: a contract begun on or before D, not ended and not left before D
    spans = Placement.objects.counted_by(SYSTEM).filter(contract_start__lte=last)
    holders, *contract = _columns(spans, "person_id", *map(DayNumber, CONTRACT))
    placed = persons.counting(holders, *_held(dates, *contract)) > 0

    current = ~deceased & ~departed & ~abstinent
    is_urban = urban[home]
    values = {
        "registered": registered,
        "deceased": deceased,
        "departed": departed,
        "abstinent_3y": abstinent,
        "current": current,
        "under_measure": current & active,
        "found": current & ~lost,
        "living": ~deceased & ~departed,
        "community": community,
        "placed": community & placed,
        "community_urban": community & is_urban,
        "placed_urban": community & placed & is_urban,
        "orders_due": orders_due,
        "reported_in_time": reported_in_time,
    }
    cells = (home * width + np.arange(width))[registered]
    sums = np.zeros((len(index), len(SUMMED), width), dtype=np.int64)
    for position, name in enumerate(SUMMED):
        counted = np.bincount(cells, weights=values[name][registered], minlength=len(index) * width)
        sums[:, position, :] = counted.reshape(len(index), width).round().astype(np.int64)
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
