"""The pathway stage (detox → rehab → training → placement → integration), derived from the records.

One function, ``pathway_stages``, decides every person's stage from facts collected in a few set-based
queries. Apps above ``cases`` (training, placement) contribute facts by registering a source, so the
derivation takes their records without a rewrite here.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import OuterRef, Subquery, TextChoices
from django.utils.translation import gettext_lazy as _

from .choices import COMMUNITY_MEASURES, EndReason, MeasureKind, StatusKind, TestResult
from .models import DrugUseFinding, Measure, StatusEvent, UrineTest


class Stage(TextChoices):
    DETOX = "detox", _("Physiological detox")
    REHAB = "rehab", _("Psychological rehabilitation")
    TRAINING = "training", _("Skills training")
    PLACEMENT = "placement", _("Job placement")
    INTEGRATION = "integration", _("Integration into society")
    NONE = "none", _("Not under a measure")
    CLOSED = "closed", _("Case closed (deceased or left the country)")


PATHWAY = [Stage.DETOX, Stage.REHAB, Stage.TRAINING, Stage.PLACEMENT, Stage.INTEGRATION]

# Facts a source may report for a person on a day.
DETOX_MEASURE, COMMUNITY_MEASURE, COMPLETED, TRAINING, PLACED, GONE, RELAPSED = (
    "detox_measure",
    "community_measure",
    "completed",
    "training",
    "placed",
    "gone",
    "relapsed",
)
FactSource = Callable[[list[int], dt.date], dict[int, set[str]]]
_sources: list[FactSource] = []


def register_fact_source(source: FactSource) -> FactSource:
    """Add a function ``(person_ids, day) -> {person_id: {fact, ...}}`` to the derivation."""
    _sources.append(source)
    return source


def _latest(model, date_field: str, day: dt.date, **conditions) -> Subquery:
    """The person's latest ``date_field`` of ``model`` on or before ``day`` (a subquery of the measure row)."""
    rows = model.objects.filter(person_id=OuterRef("person_id"), **{f"{date_field}__lte": day}, **conditions)
    return Subquery(rows.order_by(f"-{date_field}").values(date_field)[:1])


MEASURE_ROW = (
    "person_id",
    "kind",
    "started_on",
    "ended_on",
    "end_reason",
    "last_finding",
    "last_positive",
    "last_negative",
)


@register_fact_source
def _measure_facts(person_ids: list[int], day: dt.date) -> dict[int, set[str]]:
    """Measures, and relapse: drug use (a finding or a positive test) after the start of the person's latest
    measure, without a negative test on that day or after, puts the person back at physiological detox."""
    facts: dict[int, set[str]] = defaultdict(set)
    rows = (
        Measure.objects.filter(person_id__in=person_ids, started_on__lte=day)
        .annotate(
            last_finding=_latest(DrugUseFinding, "found_on", day),
            last_positive=_latest(UrineTest, "tested_on", day, result=TestResult.POSITIVE),
            last_negative=_latest(UrineTest, "tested_on", day, result=TestResult.NEGATIVE),
        )
        .values_list(*MEASURE_ROW)
    )
    latest_start: dict[int, dt.date] = {}
    evidence: dict[int, tuple] = {}
    for person_id, kind, started_on, ended_on, end_reason, finding, positive, negative in rows:
        if kind != MeasureKind.METHADONE:  # methadone runs alongside: the case is the other measure
            latest_start[person_id] = max(latest_start.get(person_id, started_on), started_on)
        evidence[person_id] = (max(filter(None, (finding, positive)), default=None), negative)
        active = ended_on is None or ended_on > day
        if active and kind in COMMUNITY_MEASURES:
            facts[person_id].add(COMMUNITY_MEASURE)
        elif active and kind != MeasureKind.METHADONE:
            facts[person_id].add(DETOX_MEASURE)
        elif not active and kind in COMMUNITY_MEASURES and end_reason == EndReason.COMPLETED:
            facts[person_id].add(COMPLETED)
    for person_id, start in latest_start.items():
        used, clean = evidence[person_id]
        if used is not None and used > start and (clean is None or clean < used):
            facts[person_id].add(RELAPSED)
    gone = StatusEvent.objects.filter(
        person_id__in=person_ids, occurred_on__lte=day, kind__in=(StatusKind.DECEASED, StatusKind.DEPARTED)
    ).values_list("person_id", flat=True)
    for person_id in gone:
        facts[person_id].add(GONE)
    return facts


def stage_from_facts(facts: set[str]) -> Stage:
    """The rule, in one place: the furthest step the records show; detox while in a detox facility, or after a
    relapse until a negative test."""
    if GONE in facts:
        return Stage.CLOSED
    if DETOX_MEASURE in facts or RELAPSED in facts:
        return Stage.DETOX
    if COMMUNITY_MEASURE in facts:
        if PLACED in facts:
            return Stage.PLACEMENT
        if TRAINING in facts:
            return Stage.TRAINING
        return Stage.REHAB
    if COMPLETED in facts:
        return Stage.INTEGRATION
    if PLACED in facts:
        return Stage.PLACEMENT
    return Stage.NONE


def pathway_stages(person_ids: Iterable[int], day: dt.date | None = None) -> dict[int, Stage]:
    """Each person's stage on ``day`` (today by default), one query per fact source."""
    ids = list(person_ids)
    day = day or dt.date.today()
    facts: dict[int, set[str]] = defaultdict(set)
    for source in _sources:
        for person_id, found in source(ids, day).items():
            facts[person_id] |= found
    return {person_id: stage_from_facts(facts[person_id]) for person_id in ids}


def pathway_stage(person_id: int, day: dt.date | None = None) -> Stage:
    return pathway_stages([person_id], day)[person_id]
