"""The indicators of DESIGN §4, computed for every region as of a date D, set-based.

One annotated query over persons (grouped by the township each person belonged to on D) and one over
placement bases give every township's numerators and denominators; regions above are the sums of
their children, by code prefix. Rows are read through the scope of the province (the one mechanism):
the computation sees exactly the persons a provincial officer sees.

Definitions (each person counts in the township they belonged to on D):

- ``registered``: registered (date first found) on or before D.
- ``deceased``: registered, with a death event on or before D.
- ``departed``: registered, not deceased, with a left-the-country event on or before D.
- S, the abstinence clock start: the latest, on or before D, of the date first found, every positive
  urine test, every drug-use finding and the end of every measure that has ended.
- ``abstinent_3y``: registered, alive, not departed, no measure active on D, and D ≥ S + 3 calendar years.
- ``current`` = registered − abstinent_3y − deceased − departed.
- ``under_measure``: current persons with a measure of any kind active on D (a suspended CD/CR counts).
- ``control_rate`` = under_measure / current.
- ``whereabouts_rate`` = current persons not lost on D / current (lost: the latest lost/found event on
  or before D is "lost").
- ``consolidation_rate`` = abstinent_3y / (registered − deceased − departed).
- ``placement_rate`` = persons with an active CD/CR on D and an active placement on D / persons with an
  active CD/CR on D; ``placement_rate_urban`` the same in urban townships (街道, 镇).
- ``bases_100_plus``, ``bases_50_99``: placement bases by scale class on D (scale: persons holding an
  active contract of one year or more there).
- ``report_rate`` = CD/CR orders whose 15-day deadline had passed by D and that were reported in time /
  those orders (by the township of the person on D).

A rate's value is numerator / denominator; a zero denominator is no data (None), never 0 or 1.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import CharField, Count, DateField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from cases.choices import COMMUNITY_MEASURES, StatusKind, TestResult
from cases.dates import add_years
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.models.measures import REPORT_DAYS
from placement.models import LARGE_SCALE, MEDIUM_SCALE, Placement
from placement.selectors import bases_with_scale
from sunshine.choices import Level, Role
from sunshine.models import Region

COUNTS = (
    "registered",
    "deceased",
    "departed",
    "abstinent_3y",
    "current",
    "under_measure",
    "bases_100_plus",
    "bases_50_99",
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
ABSTINENCE_YEARS = 3


def province_scope():
    """The principal the nightly computation reads as: the provincial scope, nothing beyond it."""
    province = Region.objects.get(level=Level.PROVINCE)
    return SimpleNamespace(is_authenticated=True, role=Role.PROVINCE_OFFICER, region_id=province.code, department="")


def abstinence_cutoff(day: dt.date) -> dt.date:
    """The latest clock start S with S + 3 calendar years ≤ ``day`` (29 February counts to the 28th)."""
    cutoff = add_years(day, -ABSTINENCE_YEARS)
    while add_years(cutoff + dt.timedelta(days=1), ABSTINENCE_YEARS) <= day:
        cutoff += dt.timedelta(days=1)
    return cutoff


def _township_before_later_moves(viewer, person, day: dt.date):
    """The township a person left by the first transfer that took effect after ``day``, if any."""
    later = Transfer.objects.visible_to(viewer).filter(person=person, status="accepted", effective_on__gt=day)
    return later.order_by("effective_on", "id").values("from_township")[:1]


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateField())


def person_facts(day: dt.date, viewer=None):
    """Persons registered by ``day``, annotated with the facts every indicator is built from."""
    viewer = viewer or province_scope()
    person = OuterRef("pk")
    active = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    measures = Measure.objects.visible_to(viewer).filter(person=person)
    events = StatusEvent.objects.visible_to(viewer).filter(person=person, occurred_on__lte=day)
    whereabouts = events.filter(kind__in=(StatusKind.LOST, StatusKind.FOUND)).order_by("-occurred_on", "-id")
    moved_later = _township_before_later_moves(viewer, person, day)
    placed = Placement.objects.visible_to(viewer).filter(person=person).active_on(day)
    positives = UrineTest.objects.visible_to(viewer).filter(
        person=person, tested_on__lte=day, result=TestResult.POSITIVE
    )
    findings = DrugUseFinding.objects.visible_to(viewer).filter(person=person, found_on__lte=day)
    clock = Greatest(
        F("registered_on"),
        Coalesce(_latest(positives, "tested_on"), F("registered_on")),
        Coalesce(_latest(findings, "found_on"), F("registered_on")),
        Coalesce(_latest(measures.filter(ended_on__lte=day), "ended_on"), F("registered_on")),
        output_field=DateField(),
    )
    return (
        Person.objects.visible_to(viewer)
        .filter(registered_on__lte=day)
        .annotate(
            township_on_day=Coalesce(Subquery(moved_later), F("township_id"), output_field=CharField()),
            is_deceased=Exists(events.filter(kind=StatusKind.DECEASED)),
            is_departed=Exists(events.filter(kind=StatusKind.DEPARTED)),
            measure_active=Exists(measures.filter(active)),
            community_active=Exists(measures.filter(active, kind__in=COMMUNITY_MEASURES)),
            is_placed=Exists(placed),
            last_whereabouts=Subquery(whereabouts.values("kind")[:1]),
            clock_start=clock,
        )
    )


def township_figures(day: dt.date, viewer=None) -> dict[str, dict[str, int]]:
    """Numerators and denominators per township code on ``day``."""
    cutoff = abstinence_cutoff(day)
    gone = Q(is_deceased=True) | Q(is_departed=True)
    abstinent = Q(is_deceased=False, is_departed=False, measure_active=False, clock_start__lte=cutoff)
    current = ~gone & ~abstinent
    urban = Q(township_on_day__in=Subquery(Region.objects.filter(level=Level.TOWNSHIP, is_urban=True).values("code")))
    rows = (
        person_facts(day, viewer)
        .order_by()
        .values("township_on_day")
        .annotate(
            registered=Count("pk"),
            deceased=Count("pk", filter=Q(is_deceased=True)),
            departed=Count("pk", filter=Q(is_deceased=False, is_departed=True)),
            abstinent_3y=Count("pk", filter=abstinent),
            current=Count("pk", filter=current),
            under_measure=Count("pk", filter=current & Q(measure_active=True)),
            found=Count(
                "pk", filter=current & (Q(last_whereabouts__isnull=True) | ~Q(last_whereabouts=StatusKind.LOST))
            ),
            living=Count("pk", filter=~gone),
            community=Count("pk", filter=Q(community_active=True)),
            placed=Count("pk", filter=Q(community_active=True, is_placed=True)),
            community_urban=Count("pk", filter=Q(community_active=True) & urban),
            placed_urban=Count("pk", filter=Q(community_active=True, is_placed=True) & urban),
        )
    )
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        township = row.pop("township_on_day")
        for key, value in row.items():
            figures[township][key] += value
    _add_report_figures(figures, day, viewer or province_scope())
    _add_base_figures(figures, day, viewer or province_scope())
    return figures


def _add_report_figures(figures, day: dt.date, viewer) -> None:
    deadline_passed = day - dt.timedelta(days=REPORT_DAYS)
    in_time = Q(reported_on__isnull=False, reported_on__lte=F("ordered_on") + Value(dt.timedelta(days=REPORT_DAYS)))
    township = Coalesce(
        Subquery(_township_before_later_moves(viewer, OuterRef("person"), day)),
        F("person__township_id"),
        output_field=CharField(),
    )
    orders = (
        Measure.objects.visible_to(viewer)
        .filter(kind__in=COMMUNITY_MEASURES, ordered_on__lte=deadline_passed)
        .annotate(township_on_day=township)
        .order_by()
        .values("township_on_day")
        .annotate(orders_due=Count("pk"), reported_in_time=Count("pk", filter=in_time))
    )
    for row in orders:
        figures[row["township_on_day"]]["orders_due"] += row["orders_due"]
        figures[row["township_on_day"]]["reported_in_time"] += row["reported_in_time"]


def _add_base_figures(figures, day: dt.date, viewer) -> None:
    bases = bases_with_scale(user=viewer, day=day).filter(opened_on__lte=day).values_list("region_id", "scale")
    for township, scale in bases:
        if scale >= LARGE_SCALE:
            figures[township]["bases_100_plus"] += 1
        elif scale >= MEDIUM_SCALE:
            figures[township]["bases_50_99"] += 1


@dataclass(frozen=True)
class Figure:
    code: str
    numerator: int
    denominator: int | None

    @property
    def value(self) -> float | int | None:
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None


def region_figures(day: dt.date, viewer=None) -> dict[str, list[Figure]]:
    """Every region's figures on ``day``: townships' sums rolled up to county, prefecture and province."""
    sums: dict[str, dict[str, int]] = {code: defaultdict(int) for code in Region.objects.values_list("code", flat=True)}
    for township, figures in township_figures(day, viewer).items():
        for prefix in {township[:2], township[:4], township[:6], township}:
            if prefix in sums:
                for key, value in figures.items():
                    sums[prefix][key] += value
    result = {}
    for code, totals in sums.items():
        result[code] = [Figure(name, totals[name], None) for name in COUNTS] + [
            Figure(name, totals[numerator], totals[denominator]) for name, (numerator, denominator) in RATES.items()
        ]
    return result
