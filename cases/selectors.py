"""Reads of the cases app: every one takes the viewer and starts from ``visible_to``."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Expression, F, Func, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.signals import post_delete, post_save, pre_save

from sunshine.access import may
from sunshine.choices import Level
from sunshine.models import Region, User
from sunshine.regions import RegionCode

from .choices import MeasureKind, ScheduledActivity
from .models import (
    HEALTH_READERS,
    Absence,
    Leave,
    Measure,
    Person,
    ScheduleRule,
    Sealing,
    UrineTest,
    Visit,
    WorkDue,
    WorkListDay,
)
from .pathway import pathway_stages

# Any trailing part of an ID number: digits, possibly ending in the check character X (typed x or X), as
# copied from a masked list (5201**********503X → "503X"). Names and pinyin initials hold no digits.
_ID_FRAGMENT = re.compile(r"^[0-9]{1,17}[0-9xX]?$")
_TEXTS = ArrayField(TextField())  # ``name_bigrams(name)``: cases/migrations/0014_person_name_bigrams.py
NAME_RUN = 2  # characters: a search this long goes through the index of each name's two-character runs


def may_see_health(user: User) -> bool:
    """HIV and infection status: the person's township worker and county officers only (DESIGN §3)."""
    return getattr(user, "role", None) in HEALTH_READERS


def person_list(*, user: User, query: str = "") -> QuerySet[Person]:
    """Persons the user may see, optionally searched by name, ID number (full or trailing digits) or initials."""
    persons = Person.objects.visible_to(user).select_related("township")
    query = query.strip().rsplit("*", 1)[-1]  # a masked number pasted from a list searches by its last part
    if not query:
        return persons
    if _ID_FRAGMENT.match(query):
        return persons.filter(id_number__endswith=query.upper())
    in_name = Q(name__contains=query)
    if len(query) == NAME_RUN and connection.vendor == "postgresql":  # found through the index of those runs
        persons = persons.alias(name_bigrams=Func("name", function="name_bigrams", output_field=_TEXTS))
        in_name &= Q(name_bigrams__contains=[query])
    return persons.filter(in_name | Q(name_initials__startswith=query.lower()))


def treatments_under_way(*, user: User, today: dt.date, limit: int = 100) -> list[Measure]:
    """Voluntary detox and methadone maintenance active on ``today``: the health department's caseload."""
    kinds = (MeasureKind.VOLUNTARY_DETOX, MeasureKind.METHADONE)
    measures = Measure.objects.visible_to(user).active_on(today).filter(kind__in=kinds).select_related("person")
    return list(measures.order_by("-started_on", "-id")[:limit])


@dataclass(frozen=True)
class WorkItem:
    """One thing on a worker's list: what, for whom, due when."""

    person: Person
    kind: str
    due_on: dt.date
    label: str

    def overdue_days(self, today: dt.date) -> int:
        return (today - self.due_on).days


# A work source gives, for the user (narrowed to a region of theirs, or not), querysets of its items as rows
# ``work_row`` makes: the person, the kind and the due date computed in SQL, so that the list is combined, ordered
# and cut into pages by the database whatever the caseload (issue 17).
WorkSource = Callable[..., list[QuerySet]]
_work_sources: list[WorkSource] = []
_work_labels: dict[str, str] = {}
WORK_ROW = ("item_due", "item_name", "item_person", "item_kind")  # the columns, in the list's order


def _input_changed(sender, instance, **kwargs) -> None:
    """A row a work source reads was saved or deleted: its person's stored items are computed again."""
    from .services.work_list import work_list_changed  # (that service computes the list with this module)

    work_list_changed([instance.pk if sender is Person else instance.person_id])


def _input_moving(sender, instance, raw=False, **kwargs) -> None:
    """A row about to be saved under another person (a corrected record): its former person's items change too."""
    if instance.pk is None or raw:
        return
    former = sender._base_manager.filter(pk=instance.pk).values_list("person_id", flat=True).first()
    if former is not None and former != instance.person_id:
        from .services.work_list import work_list_changed

        work_list_changed([former])


def _watch(*models) -> None:
    """Keep the stored work list (``cases.services.work_list``) in step with writes to ``models``' rows."""
    for model in models:
        uid = f"work-list-{model._meta.label}"
        for signal in (post_save, post_delete):
            signal.connect(_input_changed, sender=model, dispatch_uid=uid)
        if model is not Person:
            pre_save.connect(_input_moving, sender=model, dispatch_uid=uid)


_watch(Person, Sealing)  # every source's: the name the list is ordered by, the sealing that hides a person


def register_work_source(*, reads: tuple[type, ...], **labels: str) -> Callable[[WorkSource], WorkSource]:
    """Apps above ``cases`` (placement follow-ups) add their due items to the work list: a source, the models it
    reads (each with a ``person``) and the label of each kind of item it gives
    (``@register_work_source(reads=(Measure,), report=_("15-day report"))``)."""

    def register(source: WorkSource) -> WorkSource:
        _work_sources.append(source)
        _work_labels.update(labels)
        _watch(*reads)
        return source

    return register


def work_row(rows: QuerySet, *, kind: str, due: Expression, person: str = "person") -> QuerySet:
    """``rows`` (scoped) as items of ``kind`` due on the SQL expression ``due``, for the person along ``person``."""
    return (
        rows.annotate(
            item_due=due, item_name=F(f"{person}__name"), item_person=F(f"{person}_id"), item_kind=Value(kind)
        )
        .order_by()
        .values_list(*WORK_ROW)
    )


def scoped(model, *, user: User, region=None, persons=None) -> QuerySet:
    """``model``'s rows the user sees, narrowed to ``region`` (one of theirs) and to the ids ``persons`` when given,
    never a sealed person's (a lawful-query grant reads a file, it puts no work on a list): where a source starts."""
    rows = model.objects.visible_to(user).unsealed()
    if region is not None:
        rows = rows.within(region)
    return rows if persons is None else rows.filter(person_id__in=persons)


WORK_HORIZON_DAYS = 7  # "due this week"
# DESIGN §3 defaults: urine tests every 30 / 60 / 90 days in measure years 1 / 2 / 3; visits monthly
# in year 1 and every two months after. Rows of ScheduleRule (edited in admin) override them.
DEFAULT_SCHEDULE = {
    (ScheduledActivity.URINE_TEST, 1): 30,
    (ScheduledActivity.URINE_TEST, 2): 60,
    (ScheduledActivity.URINE_TEST, 3): 90,
    (ScheduledActivity.VISIT, 1): 30,
    (ScheduledActivity.VISIT, 2): 60,
    (ScheduledActivity.VISIT, 3): 60,
}


def schedule_rules() -> dict[tuple[str, int], int]:
    """Interval in days by (activity, measure year): the configured rules over the defaults."""
    configured = {(rule.activity, rule.measure_year): rule.interval_days for rule in ScheduleRule.objects.all()}
    return {**DEFAULT_SCHEDULE, **configured}


def live_work_rows(*, user, today: dt.date, region=None, persons=None) -> QuerySet:
    """The work list computed now, as rows of ``WORK_ROW``: what is overdue or due within a week in the user's scope
    (narrowed to ``region``, and to the ids ``persons``), the earliest due first, then by name: one statement,
    whatever the caseload."""
    horizon = today + dt.timedelta(days=WORK_HORIZON_DAYS)
    parts = [
        part.filter(item_due__lte=horizon)
        for source in _work_sources
        for part in source(user=user, today=today, region=region, persons=persons)
    ]
    return parts[0].union(*parts[1:], all=True).order_by(*WORK_ROW)


def work_rows(*, user: User, today: dt.date, region=None) -> QuerySet | list:
    """The work list of ``today`` in the user's scope (narrowed to ``region``) as rows of ``WORK_ROW``, to page:
    the stored rows when they are that day's (a query that reads a page), else ``live_work_rows`` read at once
    (counting them in a second statement would compute them all again). ``work_items`` reads the persons of the
    rows given (a page of them)."""
    if not WorkListDay.holds(today):
        return list(live_work_rows(user=user, today=today, region=region))
    rows = WorkDue.objects.visible_to(user).unsealed()  # as the live list: a grant puts no one's work on it
    if region is not None:
        rows = rows.within(region)
    return rows.order_by("due_on", "name", "person_id", "kind").values_list("due_on", "name", "person_id", "kind")


def work_items(rows, *, user: User) -> list[WorkItem]:
    """Rows of ``work_rows`` (a page of them) as work items, their persons and townships read in one query."""
    rows = list(rows)
    persons = Person.objects.visible_to(user).select_related("township").in_bulk({row[2] for row in rows})
    return [WorkItem(persons[person], kind, due, _work_labels[kind]) for due, _name, person, kind in rows]


def work_list(*, user: User, today: dt.date | None = None, region=None) -> list[WorkItem]:
    """Every item of the work list (a worker's whole caseload, for the field copy): ``work_rows`` read at once."""
    return work_items(work_rows(user=user, today=today or dt.date.today(), region=region), user=user)


def work_regions(user: User) -> QuerySet[Region]:
    """The regions an office may narrow its work list to: those below its own (a county's townships; a
    prefecture's counties and townships; the province's prefectures and counties). None for a township."""
    if not user.region_id:
        return Region.objects.none()
    regions = Region.objects.within(user.region_id).exclude(code=user.region_id)
    if RegionCode(user.region_id).level == Level.PROVINCE:
        regions = regions.exclude(level=Level.TOWNSHIP)  # some 1,500: a county narrows to its own
    return regions.order_by("code")


FIELD_RECENT = 3  # records of each kind a field copy carries per person


def may_record_in_field(user: User) -> bool:
    """Whether the user records any of the four everyday field records (visit, test, absence, leave)."""
    return any(may(user, "add", model) for model in (Visit, UrineTest, Absence, Leave))


def caseload(*, user: User, today: dt.date) -> list[dict]:
    """The offline copy of a field worker's caseload (DESIGN §5a): each person of the user's region with a
    measure active today, with name, masked ID number, pathway stage, due items and the last few visits
    and tests. Never the full ID number, never health data.

    Queries: persons with their recent visits and tests (3, the two prefetches sliced in SQL), the stages
    (one per fact source) and the work list (a fixed few), whatever the number of persons.
    """
    recent_visits = Visit.objects.visible_to(user).order_by("-visited_on", "-id")[:FIELD_RECENT]
    recent_tests = UrineTest.objects.visible_to(user).order_by("-tested_on", "-id")[:FIELD_RECENT]
    persons = list(
        Person.objects.visible_to(user)
        .filter(pk__in=Measure.objects.visible_to(user).active_on(today).values("person_id"))
        .only("id", "name", "id_number")
        .prefetch_related(
            Prefetch("visits", queryset=recent_visits, to_attr="recent_visits"),
            Prefetch("urine_tests", queryset=recent_tests, to_attr="recent_tests"),
        )
    )
    stages = pathway_stages([person.pk for person in persons], today)
    due: dict[int, list[WorkItem]] = {}
    for item in work_list(user=user, today=today):
        due.setdefault(item.person.pk, []).append(item)
    return [
        {
            "id": person.pk,
            "name": person.name,
            "masked_id": person.masked_id,
            "stage": str(stages[person.pk].label),
            "due": [{"label": str(item.label), "due_on": item.due_on.isoformat()} for item in due.get(person.pk, [])],
            "recent": [
                {
                    "label": str(Visit._meta.verbose_name),
                    "date": visit.visited_on.isoformat(),
                    "text": visit.get_kind_display(),
                }
                for visit in person.recent_visits
            ]
            + [
                {
                    "label": str(UrineTest._meta.verbose_name),
                    "date": test.tested_on.isoformat(),
                    "text": test.get_result_display(),
                }
                for test in person.recent_tests
            ],
        }
        for person in persons
    ]
