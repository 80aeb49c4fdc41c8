"""A person's timeline: every dated record, newest first. Apps above ``cases`` register their sources."""

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
