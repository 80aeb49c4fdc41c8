"""The indicators of many dates in one pass (issue 17 item 2): ``indicators.region_figures`` for every date of a
list, from one read of the records instead of one statement per date.

The rules are those of ``indicators`` (its docstring and FACTS_SQL), clause by clause. Each table is read once;
every person's facts on every date are arrays of persons × dates, so another date costs array arithmetic, not
another scan. A record dated x bears on the dates D ≥ x, which begin at the index ``first(x)`` (the number of
dates before x); a state that holds over [a, b) holds on the indexes first(a) .. first(b) - 1. A test keeps the
two computations equal for every region and date of a varied population (tests/reporting/test_indicator_range.py).

Persons are read through the viewer's ``counted_by`` scope, as ``region_figures`` reads them, and their records
through the same scope; on PostgreSQL the reads share one snapshot (REPEATABLE READ), as one statement would.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from cases.choices import MeasureKind, StatusKind, TestResult, TransferStatus
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.models.measures import REPORT_DAYS
from placement.models import Placement
from sunshine.access import SYSTEM
from sunshine.models import Region
from sunshine.regions import RegionCode

from .indicators import SUMMED, _add_base_figures, _choices, abstinence_cutoff, figures_of

COMMUNITY = (MeasureKind.COMMUNITY_DETOX, MeasureKind.COMMUNITY_REHAB)
NONE = 0  # "no such date" in the arrays of ordinals (a real date's ordinal is at least 1)


class _Dates:
    """The dates computed, and where a record's date falls among them."""

    def __init__(self, days: list[dt.date]):
        self.days = days
        self.ordinals = np.array([day.toordinal() for day in days], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.days)

    def first(self, ordinals: np.ndarray) -> np.ndarray:
        """For each date x (an ordinal), the index of the first date D ≥ x (len(self) if none)."""
        return np.searchsorted(self.ordinals, ordinals, side="left")


def _ordinals(values: Iterable, missing: int = NONE) -> np.ndarray:
    return np.array([missing if value is None else value.toordinal() for value in values], dtype=np.int64)


class _Persons:
    """The persons read, and the row of each person id in the arrays (records of others are dropped)."""

    def __init__(self, rows: list[tuple], dates: _Dates):
        self.dates = dates
        rows.sort()
        ids, townships, registered, capacities = zip(*rows, strict=True) if rows else ((), (), (), ())
        self.ids = np.array(ids, dtype=np.int64)
        self.townships = list(townships)
        self.registered = _ordinals(registered)
        self.unable = np.array([capacity == "none" for capacity in capacities], dtype=bool)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, person_ids: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """The row of each of ``person_ids`` and a mask of those that are among the persons read."""
        ids = np.fromiter(person_ids, dtype=np.int64)
        rows = np.searchsorted(self.ids, ids)
        known = rows < len(self.ids)
        known[known] = self.ids[rows[known]] == ids[known]
        return rows, known

    def latest(self, person_ids, ordinals: np.ndarray) -> np.ndarray:
        """persons × dates: the latest of each person's dates on or before D (NONE if none)."""
        rows, known = self.rows(person_ids)
        table = np.zeros((len(self), len(self.dates) + 1), dtype=np.int32)
        np.maximum.at(table, (rows[known], self.dates.first(ordinals[known])), ordinals[known])
        return np.maximum.accumulate(table[:, :-1], axis=1)

    def earliest(self, person_ids, ordinals: np.ndarray) -> np.ndarray:
        """Per person: the index of the first date on or after the person's earliest date given (len(dates) if
        none): "has one on or before D" is ``index >= earliest``."""
        rows, known = self.rows(person_ids)
        first = np.full(len(self), len(self.dates), dtype=np.int64)
        np.minimum.at(first, rows[known], self.dates.first(ordinals[known]))
        return first

    def counting(self, person_ids, starts: np.ndarray, ends: np.ndarray | None = None) -> np.ndarray:
        """persons × dates: how many of each person's spans [start, end) hold D, given as date indexes (an end
        of None: open)."""
        rows, known = self.rows(person_ids)
        table = np.zeros((len(self), len(self.dates) + 1), dtype=np.int32)
        np.add.at(table, (rows[known], starts[known]), 1)
        if ends is not None:
            np.add.at(table, (rows[known], ends[known]), -1)
        return np.cumsum(table[:, :-1], axis=1)


def range_figures(days: Iterable[dt.date]) -> Iterator[tuple[dt.date, dict]]:
    """(day, figures) for each of ``days`` in date order, each figures what ``region_figures(day)`` gives."""
    dates = _Dates(sorted(set(days)))
    if not dates.days:
        return
    _choices()  # the configured choices are checked as region_figures checks them
    regions = list(Region.objects.values_list("code", "is_urban"))
    codes = [code for code, _urban in regions]
    outside = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outside:
            with connection.cursor() as cursor:  # the reads below see one state of the database, as one statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        own = _region_sums(dates, codes, np.array([urban for _code, urban in regions], dtype=bool))
    # every region's sums: its own persons' and those of every region within it (a township's lineage)
    index = {code: row for row, code in enumerate(codes)}
    pairs = [(row, index[up]) for row, code in enumerate(codes) for up in RegionCode(code).lineage if up in index]
    totals = np.zeros_like(own)
    np.add.at(totals, np.array([above for _row, above in pairs]), own[[row for row, _above in pairs]])
    for column, day in enumerate(dates.days):
        values = totals[:, :, column].tolist()
        sums = {code: defaultdict(int, zip(SUMMED, row, strict=True)) for code, row in zip(codes, values, strict=True)}
        _add_base_figures(sums, day, SYSTEM)
        yield day, figures_of(sums)


def _region_sums(dates: _Dates, codes: list[str], urban: np.ndarray) -> np.ndarray:
    """regions × SUMMED × dates: the sums of the persons each region holds on each date (FACTS_SQL's
    ``townships``), the regions in the order of ``codes``."""
    last = dates.days[-1]
    persons = _Persons(
        list(
            Person.objects.counted_by(SYSTEM)
            .filter(registered_on__lte=last)
            .order_by()
            .values_list("id", "township_id", "registered_on", "work_capacity")
        ),
        dates,
    )
    width = len(dates)
    columns = np.arange(width)
    registered = columns >= persons.dates.first(persons.registered)[:, None]

    # the township on D: the one left by the first accepted transfer after D (the smallest code of a day's
    # several), else the person's township now
    index = {code: row for row, code in enumerate(codes)}
    township = np.repeat(np.array([index[code] for code in persons.townships], dtype=np.int64)[:, None], width, 1)
    transfers = list(
        Transfer.objects.counted_by(SYSTEM)
        .filter(status=TransferStatus.ACCEPTED, effective_on__gt=dates.days[0])
        .order_by("-effective_on", "-from_township_id")  # the last written is the first after D, the smallest code
        .values_list("person_id", "from_township_id", "effective_on")
    )
    rows, known = persons.rows(transfer[0] for transfer in transfers)
    before = dates.first(_ordinals(transfer[2] for transfer in transfers))
    for row, is_known, (_person, from_township, _day), upto in zip(
        rows.tolist(), known.tolist(), transfers, before.tolist(), strict=True
    ):
        if is_known:
            township[row, :upto] = index[from_township]

    events = list(
        StatusEvent.objects.counted_by(SYSTEM)
        .filter(occurred_on__lte=last, kind__in=[StatusKind.DECEASED, StatusKind.DEPARTED, StatusKind.LOST,
                                                  StatusKind.FOUND])
        .order_by()
        .values_list("person_id", "kind", "occurred_on")
    )  # fmt: skip

    def of_kind(kind):
        chosen = [(person_id, day) for person_id, event_kind, day in events if event_kind == kind]
        return [person_id for person_id, _day in chosen], _ordinals(day for _person_id, day in chosen)

    deceased = columns >= persons.earliest(*of_kind(StatusKind.DECEASED))[:, None]
    departed = (columns >= persons.earliest(*of_kind(StatusKind.DEPARTED))[:, None]) & ~deceased
    lost_on, found_on = persons.latest(*of_kind(StatusKind.LOST)), persons.latest(*of_kind(StatusKind.FOUND))
    lost = (lost_on != NONE) & (lost_on > found_on)

    measures = list(
        Measure.objects.counted_by(SYSTEM)
        .order_by()
        .values_list("person_id", "kind", "started_on", "ended_on", "ordered_on", "reported_on")
    )
    owners = [measure[0] for measure in measures]
    kinds = np.array([str(measure[1]) for measure in measures], dtype=object)
    started, ended = _ordinals(m[2] for m in measures), _ordinals(m[3] for m in measures)
    ordered, reported = _ordinals(m[4] for m in measures), _ordinals(m[5] for m in measures)
    # active on D: started on or before D, not ended on or before D
    starts = np.where(started == NONE, width, dates.first(started))
    ends = np.where(ended == NONE, width, dates.first(ended))
    ends = np.maximum(ends, starts)
    in_control = np.isin(kinds, [str(kind) for kind in settings.INDICATOR_CONTROL_MEASURES])
    in_community = np.isin(kinds, [str(kind) for kind in COMMUNITY])
    any_active = persons.counting(owners, starts, ends) > 0
    active = _counting_of(persons, owners, in_control, starts, ends) > 0
    community = _counting_of(persons, owners, in_community, starts, ends) > 0
    if settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE:
        community &= ~persons.unable[:, None]
    # orders whose 15 days had run out by D, and those of them reported in time
    due = in_community & (ordered != NONE)
    due_from = dates.first(ordered + REPORT_DAYS)
    in_time = due & (reported != NONE) & (reported - ordered <= REPORT_DAYS)
    orders_due = _counting_of(persons, owners, due, due_from)
    reported_in_time = _counting_of(persons, owners, in_time, due_from)

    # the abstinence clock S on D: the latest of the date first found, every relapse and every measure's end
    had_ended = ended != NONE
    last_end = persons.latest(np.array(owners, dtype=np.int64)[had_ended], ended[had_ended])
    relapses = list(
        UrineTest.objects.counted_by(SYSTEM)
        .filter(result=TestResult.POSITIVE, tested_on__lte=last)
        .order_by()
        .values_list("person_id", "tested_on")
    ) + list(
        DrugUseFinding.objects.counted_by(SYSTEM)
        .filter(found_on__lte=last)
        .order_by()
        .values_list("person_id", "found_on")
    )
    relapse = persons.latest((person_id for person_id, _day in relapses), _ordinals(day for _id, day in relapses))
    clock = np.maximum(np.maximum(persons.registered[:, None], relapse), last_end)
    cutoffs = np.array([abstinence_cutoff(day).toordinal() for day in dates.days], dtype=np.int64)
    abstinent = ~deceased & ~departed & ~any_active & (clock <= cutoffs)

    # placed on D: a contract begun on or before D, not ended and not left before D
    spans = list(
        Placement.objects.counted_by(SYSTEM)
        .filter(contract_start__lte=last)
        .order_by()
        .values_list("person_id", "contract_start", "contract_end", "left_on")
    )
    far = dt.date.max.toordinal()
    until = np.minimum(_ordinals((s[2] for s in spans), far), _ordinals((s[3] for s in spans), far))
    begins = dates.first(_ordinals(span[1] for span in spans))
    # D ≤ until: the indexes before the first D after until
    ends = np.maximum(np.searchsorted(dates.ordinals, until, side="right"), begins)
    placed = persons.counting([span[0] for span in spans], begins, ends) > 0

    current = ~deceased & ~departed & ~abstinent
    is_urban = urban[township]
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
    cells = (township * width + columns)[registered]
    sums = np.zeros((len(codes), len(SUMMED), width), dtype=np.int64)
    for position, name in enumerate(SUMMED):
        counted = np.bincount(cells, weights=values[name][registered], minlength=len(codes) * width)
        sums[:, position, :] = counted.reshape(len(codes), width).round().astype(np.int64)
    return sums


def _counting_of(persons: _Persons, owners: list[int], chosen: np.ndarray, starts, ends=None) -> np.ndarray:
    """``persons.counting`` of the chosen rows only."""
    owners = np.array(owners, dtype=np.int64)[chosen]
    return persons.counting(owners, starts[chosen], None if ends is None else ends[chosen])
