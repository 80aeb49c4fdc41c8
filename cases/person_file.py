"""How cases fills the person's file, in the same shape as the apps above it (registered from apps.ready): the facts
of measures and relapse (cases.pathway), the timeline of measures, records and transfers (cases.timeline), the work
items of schedules and measures (cases.selectors) and health staff's home section (cases.sections)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.access import may
from sunshine.choices import Role
from sunshine.dates import latest_start_for_years
from sunshine.db import AddDays, AddMonths
from sunshine.models import User

from .choices import COMMUNITY_MEASURES, EndReason, MeasureKind, ScheduledActivity, StatusKind, TestResult
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
from .models.measures import COMMUNITY_TERM_YEARS, DISCHARGE_NOTICE_DAYS, REPORT_DAYS
from .pathway import COMMUNITY_MEASURE, COMPLETED, DETOX_MEASURE, GONE, RELAPSED, register_fact_source
from .sections import register_home_section
from .selectors import register_work_source, schedule_rules, scoped, treatments_under_way, work_row
from .timeline import Entry, TimelineSource, person_rows, register_timeline_source

# While detained, imprisoned or lost, tests and visits are not due (the clock still runs).
ABSENT_KINDS = (StatusKind.DETAINED, StatusKind.IMPRISONED, StatusKind.LOST)
PRESENT_KINDS = (StatusKind.RELEASED, StatusKind.FOUND)


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


@register_timeline_source
def _measures(person: Person, user) -> list[Entry]:
    entries = []
    for measure in person_rows(person, user, Measure):
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
            for record in person_rows(person, user, model)
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
    transfers = person_rows(person, user, Transfer, "from_township", "to_township")
    return [
        Entry(t.timeline_date, _("Transfer"), f"{t.from_township} → {t.to_township} · {t.get_status_display()}")
        for t in transfers
    ]


@register_work_source(reads=(Measure, UrineTest, Visit, StatusEvent), **dict(ScheduledActivity.choices))
def _scheduled_work(*, user: User, today: dt.date, region=None, persons=None) -> list[QuerySet]:
    """Urine tests and visits by the schedule of each active community measure's current year, counted from the
    later of its start and the last test or visit; none while the person is away (detained, imprisoned, lost)."""
    rules = schedule_rules()
    last_year = max(year for _activity, year in rules)
    # The measure's year on ``today`` (capped at the last year with rules): year n + 1 once it started on or
    # before the date whose n-th anniversary is ``today``.
    year_from = {year: latest_start_for_years(today, year - 1) for year in range(last_year, 1, -1)}  # latest first
    measures = (
        scoped(Measure, user=user, region=region, persons=persons)
        .community()
        .active_on(today)
        .annotate(whereabouts=Coalesce(_latest_whereabouts(user=user, today=today), Value("")))
        .exclude(whereabouts__in=ABSENT_KINDS)
    )
    parts = []
    for activity, model in ((ScheduledActivity.URINE_TEST, UrineTest), (ScheduledActivity.VISIT, Visit)):
        # the person's last test or visit (the measure row is scoped: so are its person's records)
        last = _latest(model, model.date_field, today)
        counted_from = Greatest(Coalesce(last, F("started_on")), F("started_on"))
        # The interval of the measure's year; NULL where no rule sets one (then nothing is due).
        interval = Case(
            *(When(started_on__lte=year_from[year], then=Value(rules.get((activity, year)))) for year in year_from),
            default=Value(rules.get((activity, 1))),
            output_field=IntegerField(),
        )
        parts.append(work_row(measures, kind=activity, due=AddDays(counted_from, interval)))
    return parts


def _latest_whereabouts(*, user: User, today: dt.date) -> Subquery:
    """The kind of the person's latest whereabouts event on or before ``today`` (detained, imprisoned or lost
    against released or found), of a row with ``person_id``; NULL without one."""
    events = StatusEvent.objects.visible_to(user).filter(
        person_id=OuterRef("person_id"), occurred_on__lte=today, kind__in=ABSENT_KINDS + PRESENT_KINDS
    )
    return Subquery(events.order_by("-occurred_on", "-id").values("kind")[:1])


def _planned_end() -> Case:
    """``Measure.planned_end`` of a community measure in SQL: community detox runs 3 years, community rehabilitation
    its term (3 years when none is set; a term of 0 months is none, as ``term_months or ...`` reads it there)."""
    term = Value(12 * COMMUNITY_TERM_YEARS)
    months = Case(
        When(kind=MeasureKind.COMMUNITY_DETOX, then=term),
        default=Coalesce(NullIf(F("term_months"), Value(0)), term, output_field=IntegerField()),
        output_field=IntegerField(),
    )
    return AddMonths(F("started_on"), months)


@register_work_source(
    reads=(Measure,),
    report=gettext_lazy("15-day report"),
    expiry=gettext_lazy("Measure expires"),
    discharge_notice=gettext_lazy("Discharge notice"),
)
def _measure_work(*, user: User, today: dt.date, region=None, persons=None) -> list[QuerySet]:
    """15-day reports awaited, measures about to expire, discharge notices owed."""
    measures = scoped(Measure, user=user, region=region, persons=persons).community()
    unreported = measures.filter(reported_on__isnull=True, ended_on__isnull=True, ordered_on__isnull=False)
    owed = measures.filter(
        end_reason=EndReason.COMPLETED,
        discharge_notified_on__isnull=True,
        ended_on__gte=today - dt.timedelta(days=365),
    )
    return [
        work_row(unreported, kind="report", due=AddDays(F("ordered_on"), Value(REPORT_DAYS))),
        work_row(measures.active_on(today), kind="expiry", due=_planned_end()),
        work_row(owed, kind="discharge_notice", due=AddDays(F("ended_on"), Value(DISCHARGE_NOTICE_DAYS))),
    ]


@register_home_section
def _treatments_section(user, today) -> dict | None:
    """Health staff: the detox and methadone treatments under way in their region."""
    if user.role != Role.DEPARTMENT_STAFF or not may(user, "view", Measure):
        return None
    return {"template": "cases/home_treatments.html", "measures": treatments_under_way(user=user, today=today)}
