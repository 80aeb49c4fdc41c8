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
    """All entries for ``person`` that ``user`` may see, newest first; a query per source (within
    ``reading_once``, none for a list of rows already read)."""
    entries = [entry for source in _sources for entry in source(person, user)]
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


def person_rows(person: Person, user, model, *related: str) -> list:
    """``person``'s rows of ``model`` that ``user`` may see (``related`` joined), in the model's order. Within
    ``reading_once(person)`` each is read once: the file's timeline and its sections ask for the same rows."""
    read = person.__dict__.get("_rows_read")
    reader = getattr(user, "pk", None)
    if read is None or reader is None:  # (no block, or a reader with no account: the system's, no one's)
        return _read_rows(person, user, model, related)
    key = (model, reader, related)
    if key not in read:
        read[key] = _read_rows(person, user, model, related)
    return read[key]


def _read_rows(person: Person, user, model, related: tuple[str, ...]) -> list:
    rows = model.objects.visible_to(user).filter(person=person)
    if related:  # (select_related() with no names would join every foreign key, the person's all over again)
        rows = rows.select_related(*related)
    rows = list(rows)
    for row in rows:
        row.person = person  # the person at hand, not one built again from each row: what reads it asks no query
    return rows


@contextlib.contextmanager
def reading_once(person: Person):
    """Within the block ``person_rows`` reads each list of ``person``'s rows once for each reader (a page's worth of
    reading: what is written meanwhile is not seen). A block within another keeps the outer one's."""
    if "_rows_read" in person.__dict__:
        yield
        return
    person._rows_read = {}
    try:
        yield
    finally:
        del person._rows_read
