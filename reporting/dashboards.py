"""The dashboards of county, prefecture and provincial offices (DESIGN §5), read from snapshots only.

A page never recounts: every figure is an ``IndicatorSnapshot`` of the nightly computation, read through the
viewer's scope, so what a dashboard shows is what the assessment and the drill-down show. The number of
queries is fixed whatever the number of regions and dates (``tests/reporting/test_dashboards.py`` pins it).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.functions import Substr

from cases.models import Alert, Person
from sunshine.choices import Level
from sunshine.models import Region, User
from sunshine.regions import LENGTH_OF_LEVEL

from .indicators import LABELS, RATES, ranks
from .models import IndicatorSnapshot, figure_value
from .snapshots import month_ends
from .targets import assess, targets_on

TREND_FROM = dt.date(2011, 1, 1)  # the opinion's first year
HEADLINE = ["control_rate", "consolidation_rate", "placement_rate_urban", "whereabouts_rate", "report_rate"]
COUNTS_SHOWN = ["registered", "current", "under_measure", "abstinent_3y", "deceased", "departed"]
BASE_CODES = ["bases_100_plus", "bases_50_99"]
OPENED_CODES = ["bases_100_plus_opened", "bases_50_99_opened"]
# Rates are ranked best first; a map can show any of them.
MAP_RATES = [code for code in RATES if code != "placement_rate"]


@dataclass
class Tile:
    code: str
    label: str
    snapshot: IndicatorSnapshot | None
    assessment: dict = field(default_factory=dict)

    @property
    def value(self):
        return self.snapshot.value if self.snapshot else None


@dataclass
class Dashboard:
    region: Region
    as_of: dt.date | None
    tiles: list[Tile]
    counts: list[Tile]
    children: list[dict]  # each: region, figures {code: snapshot}, rank {code: n}
    trend: dict  # {"dates": [...], "series": {code: [value...]}, "goals": {code: [goal...]}}
    bases: dict  # {"now": {code: snapshot}, "years": [...], "opened": {code: [n...]}, "target": {code: n}}
    alerts: list[dict]
    map_level: str | None  # "prefecture" / "county" / None
    map_data: dict  # {code: {"name":..., rate code: value}}
    sealed: dict = field(default_factory=dict)  # {region code: persons sealed now}, the region and those below


def dashboard(*, user: User, region: Region, rank_by: str = "control_rate") -> Dashboard:
    snapshots = IndicatorSnapshot.objects.visible_to(user)
    as_of = snapshots.filter(region=region).aggregate(latest=Max("date"))["latest"]
    own = {s.indicator: s for s in snapshots.filter(region=region, date=as_of)} if as_of else {}
    targets = targets_on(day=as_of, region_codes=[region.code]) if as_of else {}

    def tile(code):
        snapshot = own.get(code)
        value = snapshot.value if snapshot else None
        return Tile(
            code, LABELS[code], snapshot, assess(value=value, target=targets.get((region.code, code)), day=as_of)
        )

    return Dashboard(
        region=region,
        as_of=as_of,
        tiles=[tile(code) for code in HEADLINE],
        counts=[tile(code) for code in COUNTS_SHOWN],
        children=_children(snapshots, region, as_of, rank_by),
        trend=_trend(snapshots, region, as_of, targets),
        bases=_bases(snapshots, region, as_of, own, targets),
        alerts=_alerts(user, region),
        sealed=_sealed(user, region),
        **_map(snapshots, region, as_of),
    )


def _sealed(user, region) -> dict[str, int]:
    """How many persons are sealed now in the region and in each region below it (DESIGN §3b: a count discloses no
    one). The seal is a state, not a dated figure, so it is counted here: one grouped query over sealed persons."""
    below = {Level.PROVINCE: Level.PREFECTURE, Level.PREFECTURE: Level.COUNTY}.get(region.level, Level.TOWNSHIP)
    rows = (
        Person.objects.sealed_from(user)
        .within(region)  # the dashboard's region, already checked against the scope
        .annotate(child=Substr("township_id", 1, LENGTH_OF_LEVEL[below]))
        .values("child")
        .annotate(count=Count("id"))
        .values_list("child", "count")
    )
    counts = dict(rows)
    return {region.code: sum(counts.values()), **counts}


def _children(snapshots, region, as_of, rank_by) -> list[dict]:
    """The regions below, each with its figures and its rank on every rate, ordered by the rank on ``rank_by``."""
    if not as_of:
        return []
    rows: dict[str, dict] = {}
    for snapshot in snapshots.filter(region__parent=region, date=as_of).select_related("region"):
        entry = rows.setdefault(snapshot.region_id, {"region": snapshot.region, "figures": {}, "rank": {}})
        entry["figures"][snapshot.indicator] = snapshot
    children = sorted(rows.values(), key=lambda entry: entry["region"].code)
    for code in RATES:
        ranked = ranks({entry["region"].code: _value(entry["figures"].get(code)) for entry in children})
        for entry in children:
            entry["rank"][code] = ranked[entry["region"].code]
    return sorted(children, key=lambda entry: (entry["rank"].get(rank_by) or len(children) + 1, entry["region"].code))


def _value(snapshot):
    return snapshot.value if snapshot else None


def _trend(snapshots, region, as_of, targets) -> dict:
    """Month-end values of the headline rates since 2011, with the goal of each date where a target applies."""
    if not as_of:
        return {"dates": [], "series": {}, "goals": {}}
    dates = [day for day in month_ends(TREND_FROM, as_of) if day <= as_of]
    if not dates or dates[-1] != as_of:
        dates.append(as_of)
    rows = snapshots.filter(region=region, date__in=dates, indicator__in=HEADLINE)
    # (tuples, not snapshots: a few hundred model instances would cost more than the statement)
    values = {
        (day, code): figure_value(numerator, denominator)
        for day, code, numerator, denominator in rows.values_list("date", "indicator", "numerator", "denominator")
    }
    dates = [day for day in dates if any((day, code) in values for code in HEADLINE)]
    series = {code: [_percent(values.get((day, code))) for day in dates] for code in HEADLINE}
    goals = {}
    for code in HEADLINE:
        target = targets.get((region.code, code))
        if target is not None:
            goals[code] = [_percent(target.goal_on(day)[0]) for day in dates]
    return {"dates": [day.isoformat() for day in dates], "series": series, "goals": goals}


def _percent(value):
    return None if value is None else round(100 * value, 1)


def _bases(snapshots, region, as_of, own, targets) -> dict:
    """Bases by scale class now, and bases opened in each year since 2011 against the yearly target."""
    if not as_of:
        return {"now": {}, "years": [], "opened": {}, "target": {}}
    year_ends = [dt.date(year, 12, 31) for year in range(TREND_FROM.year, as_of.year)] + [as_of]
    rows = snapshots.filter(region=region, date__in=year_ends, indicator__in=OPENED_CODES)
    opened = {(s.date.year, s.indicator): s.numerator for s in rows}
    years = sorted({year for year, _code in opened})
    return {
        "now": {code: own.get(code) for code in BASE_CODES},
        "years": years,
        "opened": {code: [opened.get((year, code)) for year in years] for code in OPENED_CODES},
        "target": {code: float(t.target_value) for code in OPENED_CODES if (t := targets.get((region.code, code)))},
    }


def _alerts(user, region) -> list[dict]:
    """Open breach and late-report alerts in the region, by kind."""
    alerts = Alert.objects.visible_to(user).within(region).filter(acknowledged_on__isnull=True)
    labels = dict(Alert._meta.get_field("kind").choices)
    counts = alerts.order_by().values("kind").annotate(count=Count("pk"))
    return [{"kind": row["kind"], "label": labels[row["kind"]], "count": row["count"]} for row in counts]


def _map(snapshots, region, as_of) -> dict:
    """Rates per prefecture (province dashboard) or per county (prefecture dashboard, and the province's second map)."""
    level = {Level.PROVINCE: Level.PREFECTURE, Level.PREFECTURE: Level.COUNTY}.get(region.level)
    if not as_of or level is None:
        return {"map_level": None, "map_data": {}}
    levels = [Level.PREFECTURE, Level.COUNTY] if region.level == Level.PROVINCE else [Level.COUNTY]
    rows = (
        snapshots.filter(date=as_of, indicator__in=MAP_RATES, region__level__in=levels)
        .within(region)
        .values_list("region_id", "region__name", "region__level", "indicator", "numerator", "denominator")
    )
    data: dict[str, dict] = {}
    for code, name, level_of, indicator, numerator, denominator in rows:
        entry = data.setdefault(code, {"name": name, "level": level_of})
        entry[indicator] = _percent(figure_value(numerator, denominator))
    return {"map_level": level, "map_data": data}
