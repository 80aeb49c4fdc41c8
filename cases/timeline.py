"""A person's timeline: every dated record, newest first. Apps above ``cases`` register their sources."""

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .models import (
    Person,
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


def person_rows(person: Person, user, model, *related: str) -> list:
    """``person``'s rows of ``model`` that ``user`` may see (``related`` joined), in the model's order. Within
    ``reading_once(person)`` each is read once: the file's timeline and its sections ask for the same rows."""
    read = person.__dict__.get("_rows_read")
    key = (model, getattr(user, "pk", None), related)
    if read is not None and key in read:
        return read[key]
    rows = list(model.objects.visible_to(user).filter(person=person).select_related(*related))
    if read is not None:
        read[key] = rows
    return rows


@contextlib.contextmanager
def reading_once(person: Person):
    """Within the block ``person_rows`` reads each list of ``person``'s rows once (a page's worth of reading: what
    is written meanwhile is not seen)."""
    person._rows_read = {}
    try:
        yield
    finally:
        del person._rows_read
