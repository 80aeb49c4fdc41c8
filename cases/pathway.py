"""The pathway stage (detox → rehab → training → placement → integration), derived from the records.

One function, ``pathway_stages``, decides every person's stage from facts collected in a few set-based
queries. Apps above ``cases`` (training, placement) contribute facts by registering a source, so the
derivation takes their records without a rewrite here.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


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
