"""A person's timeline: every dated record, newest first. Apps above ``cases`` register their sources."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import (
    Absence,
    Alert,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    Measure,
    Person,
    StatusEvent,
    Transfer,
    UrineTest,
    Visit,
)


@dataclass(frozen=True)
class Entry:
    day: dt.date
    category: str
    text: str
    tone: str = ""  # "bad" for relapses, breaches and misses; "good" for completions


TimelineSource = Callable[[Person, object], list[Entry]]
_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    _sources.append(source)
    return source


def timeline(person: Person, *, user) -> list[Entry]:
    """All entries for ``person`` that ``user`` may see, newest first; one query per source."""
    entries = [entry for source in _sources for entry in source(person, user)]
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


@register_timeline_source
def _measures(person: Person, user) -> list[Entry]:
    entries = []
    for measure in Measure.objects.visible_to(user).filter(person=person):
        kind = measure.get_kind_display()
        if measure.ordered_on:
            entries.append(Entry(measure.ordered_on, kind, _("Ordered %(number)s") % {"number": measure.order_number}))
        if measure.reported_on:
            late = measure.reported_late()
            text = _("Reported late (refusal)") if late else _("Reported to the township")
            entries.append(Entry(measure.reported_on, kind, text, "bad" if late else ""))
        elif measure.started_on and not measure.is_community:
            entries.append(Entry(measure.started_on, kind, _("Started")))
        if measure.ended_on:
            good = measure.end_reason == "completed"
            entries.append(Entry(measure.ended_on, kind, measure.get_end_reason_display(), "good" if good else ""))
    return entries


def _records(model, text: Callable, tone: Callable = lambda record: "") -> TimelineSource:
    def source(person: Person, user) -> list[Entry]:
        return [
            Entry(record.timeline_date, str(model._meta.verbose_name), text(record), tone(record))
            for record in model.objects.visible_to(user).filter(person=person)
        ]

    return register_timeline_source(source)


_records(
    Visit,
    lambda v: f"{v.get_kind_display()} · {v.findings}".strip(" ·"),
    lambda v: "" if v.whereabouts_confirmed else "bad",
)
_records(
    UrineTest,
    lambda t: f"{t.get_kind_display()} · {t.get_result_display()} {t.substance}".strip(),
    lambda t: "" if t.result == "negative" else "bad",
)
_records(DrugUseFinding, lambda f: f"{f.get_source_display()} {f.details}".strip(), lambda f: "bad")
_records(Counselling, lambda c: f"{c.get_kind_display()} {c.counsellor}".strip())
_records(Leave, lambda leave: f"{leave.leave_from} – {leave.leave_until} {leave.destination}")
_records(Absence, str, lambda a: "bad")
_records(
    StatusEvent,
    lambda e: f"{e.get_kind_display()} {e.notes}".strip(),
    lambda e: "bad" if e.kind in ("lost", "detained", "imprisoned") else "",
)
_records(HelpGroupMember, lambda h: _("%(member)s joined the help group") % {"member": h})
_records(Alert, lambda a: a.get_kind_display(), lambda a: "bad")


@register_timeline_source
def _transfers(person: Person, user) -> list[Entry]:
    transfers = Transfer.objects.visible_to(user).filter(person=person).select_related("from_township", "to_township")
    return [
        Entry(t.timeline_date, _("Transfer"), f"{t.from_township} → {t.to_township} · {t.get_status_display()}")
        for t in transfers
    ]
