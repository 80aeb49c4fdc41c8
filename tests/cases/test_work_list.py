"""The work list computed in the database and read a page at a time (issue 17): the same items as the rules say, an
office's region filter, and a home page whose query count does not grow with the list."""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, Value
from django.urls import reverse

from cases import views
from cases.models import Measure, Person, ScheduleRule, Sealing, StatusEvent, UrineTest, Visit, WorkDue, WorkListDay
from cases.selectors import live_work_rows, work_items, work_list, work_rows
from cases.services import work_list as work_store
from cases.services.work_list import work_list_rebuild
from cases.views import HomeView
from placement.models import FollowUp, Placement
from sunshine.access import SYSTEM
from sunshine.dates import add_months, add_years, latest_start_for_years
from sunshine.db import AddDays, AddMonths
from sunshine.pagination import BoundedPaginator

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 3, 1)  # the horizon is 8 March


def _person(township, name, *measures, tests=(), visits=(), events=()):
    person = PersonFactory(township=township, name=name)
    for fields in measures:
        MeasureFactory(person=person, **fields)
    for day in tests:
        UrineTest.objects.create(person=person, tested_on=day, result="negative")
    for day in visits:
        Visit.objects.create(person=person, visited_on=day, kind="home")
    for kind, day in events:
        StatusEvent.objects.create(person=person, kind=kind, occurred_on=day)
    return person


def _dispersed(person, start, *follow_ups):
    placement = Placement.objects.create(
        person=person, mode="dispersed", contract_start=start, contract_end=start + dt.timedelta(days=400)
    )
    for day in follow_ups:
        FollowUp.objects.create(person=person, placement=placement, visited_on=day)


@pytest.fixture
def caseload(township_a, township_b):
    """A township's varied caseload on 1 March 2026 (and one item in township B), with the items the rules give
    written out by hand: (person, kind, due), in the list's order."""
    started = {"ordered_on": D(2025, 12, 20), "reported_on": D(2026, 1, 1), "started_on": D(2026, 1, 1)}
    # Year 1 (tests and visits every 30 days): the last test counts, a test after today does not.
    first = _person(township_a, "甲", started, tests=[D(2026, 1, 20), D(2026, 3, 5)])
    # Year 2 (every 60 days) of a 24-month rehabilitation: a visit before the start counts from the start.
    rehab = {"kind": "community_rehab", "term_months": 24, "ordered_on": D(2024, 12, 1)}
    second = _person(
        township_a,
        "乙",
        {**rehab, "reported_on": D(2024, 12, 15), "started_on": D(2024, 12, 15)},
        tests=[D(2026, 1, 6)],
        visits=[D(2024, 11, 1)],
    )
    # Year 3 (tests every 90 days, visits 60) of a detox that expires on 5 March.
    third = _person(
        township_a,
        "丙",
        {"ordered_on": D(2023, 3, 1), "reported_on": D(2023, 3, 5), "started_on": D(2023, 3, 5)},
        tests=[D(2026, 1, 1)],
        visits=[D(2026, 1, 5)],
    )
    # Detained: nothing scheduled. Detained, then released: due again, from the start.
    _person(township_a, "丁", {**started, "started_on": D(2025, 6, 1)}, events=[("detained", D(2026, 2, 1))])
    back = {"ordered_on": D(2025, 9, 20), "reported_on": D(2025, 10, 1), "started_on": D(2025, 10, 1)}
    released = _person(township_a, "戊", back, events=[("detained", D(2026, 1, 10)), ("released", D(2026, 2, 10))])
    # Orders not yet reported: due 15 days after the order (the second falls a day past the horizon).
    unreported = _person(township_a, "己", {"ordered_on": D(2026, 2, 21), "reported_on": None, "started_on": None})
    _person(township_a, "庚", {"ordered_on": D(2026, 2, 22), "reported_on": None, "started_on": None})
    # Completed measures: the discharge notice owed 7 days after the end; none once notified.
    old = {"ordered_on": D(2023, 1, 1), "reported_on": D(2023, 1, 1), "started_on": D(2023, 1, 1)}
    completed = {**old, "ended_on": D(2026, 2, 25), "end_reason": "completed"}
    owed = _person(township_a, "辛", completed)
    _person(township_a, "壬", {**completed, "discharge_notified_on": D(2026, 2, 26)})
    # Dispersed placements: a month after the start, or after the last follow-up.
    placed = _person(township_a, "癸", completed | {"discharge_notified_on": D(2026, 2, 26)})
    _dispersed(placed, D(2026, 1, 10))
    followed = _person(township_a, "子")
    _dispersed(followed, D(2025, 11, 1), D(2026, 1, 15), D(2026, 2, 1))
    other = _person(township_b, "丑", {**started, "started_on": D(2025, 12, 1)}, tests=[D(2026, 2, 10)])
    township_a_items = [
        (second, "visit", D(2025, 2, 13)),
        (released, "urine_test", D(2025, 10, 31)),
        (released, "visit", D(2025, 10, 31)),
        (first, "visit", D(2026, 1, 31)),
        (placed, "placement_follow_up", D(2026, 2, 9)),
        (first, "urine_test", D(2026, 2, 19)),
        (followed, "placement_follow_up", D(2026, 3, 3)),
        (owed, "discharge_notice", D(2026, 3, 4)),
        (third, "expiry", D(2026, 3, 5)),
        (third, "visit", D(2026, 3, 6)),
        (second, "urine_test", D(2026, 3, 7)),
        (unreported, "report", D(2026, 3, 8)),
    ]
    return {"a": township_a_items, "b": [(other, "visit", D(2025, 12, 31))]}


def _pages(rows, *, user, per_page):
    """Every page of ``rows`` as (person, kind, due), concatenated."""
    paginator = BoundedPaginator(rows, per_page)
    pages = [work_items(paginator.page(number).object_list, user=user) for number in paginator.page_range]
    return [(item.person, item.kind, item.due_on) for page in pages for item in page]


def test_the_pages_hold_the_items_the_rules_give(worker_a, caseload):
    assert _pages(work_rows(user=worker_a, today=TODAY), user=worker_a, per_page=5) == caseload["a"]
    assert [(i.person, i.kind, i.due_on) for i in work_list(user=worker_a, today=TODAY)] == caseload["a"]


def test_an_office_narrows_its_list_to_a_township(county_officer, township_a, township_b, caseload):
    everything = _pages(work_rows(user=county_officer, today=TODAY), user=county_officer, per_page=4)
    assert sorted(everything, key=lambda item: (item[2], item[0].name, item[1])) == everything
    assert sorted(everything, key=str) == sorted(caseload["a"] + caseload["b"], key=str)
    rows = work_rows(user=county_officer, today=TODAY, region=township_b)
    assert _pages(rows, user=county_officer, per_page=4) == caseload["b"]


@pytest.mark.parametrize("day", [D(2026, 3, 1), D(2025, 2, 28), D(2024, 2, 29), D(2024, 2, 28)])
def test_a_measure_year_begins_on_the_anniversary(day):
    for years in (1, 2):
        last = latest_start_for_years(day, years)
        assert add_years(last, years) <= day < add_years(last + dt.timedelta(days=1), years)


def _home(client, user, **query):
    client.force_login(user)
    return client.get(reverse("home"), query)


def test_the_home_page_pages_and_filters_by_region(client, county_officer, township_a, township_b, monkeypatch):
    today = dt.date.today()
    for n in range(3):
        _person(
            township_a, f"甲{n}", {"ordered_on": today - dt.timedelta(days=10), "reported_on": None, "started_on": None}
        )
    _person(township_b, "乙", {"ordered_on": today - dt.timedelta(days=11), "reported_on": None, "started_on": None})
    monkeypatch.setattr(HomeView, "paginate_by", 3)

    def shown(response):
        return [item.person.name for item, _stage in response.context["overdue"] + response.context["due"]]

    first, second = _home(client, county_officer), _home(client, county_officer, page=2)
    assert shown(first) == ["乙", "甲0", "甲1"] and shown(second) == ["甲2"]
    assert "page=2" in first.content.decode() and township_b.name in first.content.decode()
    assert shown(_home(client, county_officer, region=township_b.code)) == ["乙"]
    assert _home(client, county_officer, page=3).status_code == 404


@pytest.mark.parametrize("stored", [False, True], ids=["live", "stored"])
def test_an_offices_list_counts_up_to_its_bound(client, county_officer, township_a, monkeypatch, stored):
    """Past ``WORK_LIST_BOUND`` items from a page's start the pager says "N+ rows" (an office narrows a list that
    long by region): the province's list is never counted to its end."""
    today = dt.date.today()
    for n in range(6):
        _person(
            township_a, f"甲{n}", {"ordered_on": today - dt.timedelta(days=10), "reported_on": None, "started_on": None}
        )
    if stored:
        work_list_rebuild(today)
    monkeypatch.setattr(HomeView, "paginate_by", 2)
    monkeypatch.setattr(views, "WORK_LIST_BOUND", 3)
    first, second = _home(client, county_officer), _home(client, county_officer, page=2)
    assert "3+ 条" in first.content.decode() and "第1页" in first.content.decode()
    assert "5+ 条" in second.content.decode()
    assert [item.person.name for item, _stage in second.context["overdue"] + second.context["due"]] == ["甲2", "甲3"]
    monkeypatch.setattr(views, "WORK_LIST_BOUND", 6)
    assert "共3页" in _home(client, county_officer).content.decode()  # within the bound: counted exactly


def test_a_region_outside_the_scope_is_refused(client, county_officer, worker_a, township_a):
    assert _home(client, county_officer, region="520103").status_code == 404  # the other county
    assert _home(client, county_officer, region="99").status_code == 404  # no such region
    assert _home(client, worker_a, region=township_a.parent_id).status_code == 404  # above the worker's own
    assert _home(client, worker_a).context["regions"].count() == 0


@pytest.mark.parametrize("stored", [False, True], ids=["live", "stored"])
@pytest.mark.parametrize("user", ["worker_a", "county_officer"])
def test_the_home_page_costs_the_same_queries_with_twice_the_items(
    client, request, township_a, django_assert_max_num_queries, user, stored
):
    viewer, today = request.getfixturevalue(user), dt.date.today()
    started = today - dt.timedelta(days=100)

    def add(n):
        for _ in range(n):
            _person(township_a, "某", {"ordered_on": started, "reported_on": started, "started_on": started})
        if stored:
            work_list_rebuild(today)

    # session, user; the stored day; schedule rules and the page's rows (one statement; stored: their count and the
    # page); its persons; pathway facts (measures, status events, enrolments, placements); an office's probe alerts
    # and its lawful queries to decide; the user's region, open alerts, open transfers; the office's regions. First
    # less than a page (10 items), then more than two pages (80): a query per item shown would differ.
    client.force_login(viewer)
    client.get(reverse("home"))  # the session's first write after signing in (then at most once a minute)
    add(5)
    with django_assert_max_num_queries(19) as first:
        response = client.get(reverse("home"))
    assert response.context["page_obj"].paginator.count == 10
    add(35)
    with django_assert_max_num_queries(19) as second:
        response = client.get(reverse("home"))
    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(response.context["overdue"]) == 30 and response.context["page_obj"].paginator.count == 80
    assert isinstance(response.context["page_obj"].paginator.object_list, list) is not stored


@pytest.mark.parametrize(
    ("start", "months"), [(D(2024, 1, 31), 1), (D(2024, 2, 29), 12), (D(2023, 8, 31), 6), (D(2023, 3, 5), 36)]
)
def test_months_are_added_in_sql_as_in_python(person_a, start, months):
    MeasureFactory(person=person_a, started_on=start)
    row = Measure.objects.annotate(
        end=AddMonths(F("started_on"), Value(months)), next=AddDays(F("started_on"), Value(1))
    )
    assert row.values_list("end", "next").get() == (add_months(start, months), start + dt.timedelta(days=1))


def test_an_account_without_a_caseload_has_an_empty_list(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0


# The stored list (issue 17): the live list's rows, kept by every write -----------------------------------------------


def _live(user, day, region=None):
    return list(live_work_rows(user=user, today=day, region=region))


def _stored(user, day, region=None):
    rows = work_rows(user=user, today=day, region=region)
    assert not isinstance(rows, list), "the stored rows of that day"
    return list(rows)


def test_the_stored_list_holds_the_live_lists_items(worker_a, county_officer, township_b, caseload):
    assert not WorkListDay.holds(TODAY) and isinstance(work_rows(user=worker_a, today=TODAY), list)
    assert work_list_rebuild(TODAY) == len(caseload["a"]) + len(caseload["b"])
    assert _pages(work_rows(user=worker_a, today=TODAY), user=worker_a, per_page=5) == caseload["a"]
    assert _stored(county_officer, TODAY) == _live(county_officer, TODAY)
    assert (
        _pages(work_rows(user=county_officer, today=TODAY, region=township_b), user=county_officer, per_page=4)
        == (caseload["b"])
    )
    # another day's page is computed live
    assert isinstance(work_rows(user=worker_a, today=TODAY + dt.timedelta(days=1)), list)


def _change(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


def test_every_write_a_source_reads_keeps_the_stored_list(
    county_officer, township_a, township_b, caseload, django_capture_on_commit_callbacks
):
    work_list_rebuild(TODAY)
    work_store._pending.ids.clear()  # (the caseload's marks: never committed in this test's transaction)
    first, released, placed, followed = (Person.objects.get(name=name) for name in ("甲", "戊", "癸", "子"))

    def step(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert _stored(county_officer, TODAY) == _live(county_officer, TODAY)

    before = _stored(county_officer, TODAY)
    step(lambda: Visit.objects.create(person=first, visited_on=TODAY, kind="home"))  # the visit is done
    step(lambda: UrineTest.objects.filter(person=first).order_by("tested_on").first().delete())  # due from the start
    step(lambda: StatusEvent.objects.create(person=released, kind="lost", occurred_on=TODAY))  # nothing due while lost
    step(lambda: _change(Measure.objects.get(person__name="己"), reported_on=TODAY))
    step(lambda: FollowUp.objects.create(person=followed, placement=followed.placements.get(), visited_on=TODAY))
    step(lambda: Placement.objects.filter(person=placed).delete())
    step(lambda: _change(first, name="A"))  # first in the order of names
    step(lambda: PersonFactory(township=township_b, name="寅").measures.create(
        kind="community_detox", ordered_on=TODAY - dt.timedelta(days=20)))  # fmt: skip
    after = _stored(county_officer, TODAY)
    items = {(Person.objects.get(pk=person).name, kind, due) for due, _name, person, kind in after}
    gone = {(Person.objects.get(pk=person).name, kind, due) for due, _name, person, kind in before} - items
    assert sorted((name, kind) for name, kind, _due in gone) == [
        ("A", "urine_test"),  # due again, from the start: 31 January
        ("A", "visit"),
        ("子", "placement_follow_up"),
        ("己", "report"),
        ("戊", "urine_test"),
        ("戊", "visit"),
        ("癸", "placement_follow_up"),
    ]
    assert ("A", "urine_test", D(2026, 1, 31)) in items and ("寅", "report", TODAY - dt.timedelta(days=5)) in items
    assert WorkDue.objects.count() == len(after)


def test_a_sealed_person_leaves_the_stored_list(county_officer, person_a, django_capture_on_commit_callbacks):
    today = dt.date.today()
    person_a.measures.create(kind="community_detox", ordered_on=today - dt.timedelta(days=20))
    work_list_rebuild(today)
    assert [row[2] for row in _stored(county_officer, today)] == [person_a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        Sealing.objects.create(person=person_a, sealed_on=today, cause="decision", reason="test")
        Person.objects.filter(pk=person_a.pk).update(sealed=True)
    assert _stored(county_officer, today) == [] and not WorkDue.objects.exists()


def test_a_changed_schedule_rule_rebuilds_the_list(county_officer, caseload, django_capture_on_commit_callbacks):
    today = dt.date.today()
    work_list_rebuild(TODAY)  # yesterday's list, as it were: the rule's rebuild stores today's
    with django_capture_on_commit_callbacks(execute=True):
        ScheduleRule.objects.create(activity="visit", measure_year=2, interval_days=15)
    assert WorkListDay.holds(today) and _stored(county_officer, today) == _live(county_officer, today)


def test_a_failed_refresh_drops_the_day_and_pages_compute_live(
    county_officer, person_a, monkeypatch, django_capture_on_commit_callbacks
):
    today = dt.date.today()
    work_list_rebuild(today)

    def fail(**kwargs):
        raise DatabaseError("the connection was lost")

    monkeypatch.setattr(work_store, "live_work_rows", fail)
    with django_capture_on_commit_callbacks(execute=True):
        measure = person_a.measures.create(kind="community_detox", ordered_on=today - dt.timedelta(days=20))
    assert Measure.objects.filter(pk=measure.pk).exists()  # the write stands
    rows = work_rows(user=county_officer, today=today)
    assert isinstance(rows, list) and [row[2] for row in rows] == [person_a.pk]


def test_a_roster_import_keeps_the_stored_list(
    county_officer, township_a, township_b, django_capture_on_commit_callbacks
):
    from .test_roster import roster, run

    day = D(2013, 1, 1)
    work_list_rebuild(day)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(county_officer, roster(township_a.code, township_b.code), today=day).imported
    assert _stored(county_officer, day) == _live(county_officer, day) != []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory locks are PostgreSQL's (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_for_another_of_the_same_person(county_officer, person_a):
    """A refresh that computed the person's items before a save must not store them after the save's own refresh."""
    today = dt.date.today()
    measure = person_a.measures.create(kind="community_detox", ordered_on=today - dt.timedelta(days=20))
    work_list_rebuild(today)
    holding, release, errors = threading.Event(), threading.Event(), []

    def stale_refresh():  # computes the report as still awaited, then holds its transaction open
        try:
            with transaction.atomic():
                work_store.work_list_refresh([person_a.pk])
                holding.set()
                release.wait(30)
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def report():  # the report is recorded: its refresh, after the commit, must come last
        try:
            _change(Measure.objects.get(pk=measure.pk), reported_on=today)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=stale_refresh)
    first.start()
    assert holding.wait(30)
    second = threading.Thread(target=report)
    second.start()
    second.join(2)
    assert second.is_alive()  # its refresh waits (for the person's lock; without it, on the rows the first deleted)
    release.set()
    first.join(30)
    second.join(30)
    assert errors == [] and Measure.objects.get(pk=measure.pk).reported_on == today
    # what fails without the person's lock: the first refresh's stale report, stored after the second's
    assert _stored(county_officer, today) == _live(county_officer, today) == []


@pytest.fixture(autouse=True)
def _no_marks_of_other_tests():
    """Marks of a transaction rolled back (every other test's) wait for the thread's next commit: not this test's."""
    work_store._pending.ids.clear()


def test_a_record_given_to_another_person_refreshes_both(
    county_officer, township_a, person_a, django_capture_on_commit_callbacks
):
    other = PersonFactory(township=township_a, name="另")
    measure = person_a.measures.create(kind="community_detox", ordered_on=TODAY - dt.timedelta(days=20))
    work_list_rebuild(TODAY)
    work_store._pending.ids.clear()  # (the creations' marks: never committed in this test's transaction)
    assert [row[2] for row in _stored(county_officer, TODAY)] == [person_a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        _change(measure, person=other)  # a measure recorded against the wrong person, corrected
    assert (
        [row[2] for row in _stored(county_officer, TODAY)]
        == [other.pk]
        == [row[2] for row in _live(county_officer, TODAY)]
    )


def test_a_large_refresh_goes_a_chunk_at_a_time(county_officer, caseload, monkeypatch):
    work_list_rebuild(TODAY)
    WorkDue.objects.all().delete()  # as if every row were stale
    monkeypatch.setattr(work_store, "REFRESH_CHUNK", 2)
    work_store.work_list_refresh(Person.objects.values_list("pk", flat=True))
    assert _stored(county_officer, TODAY) == _live(county_officer, TODAY) != []


def test_a_migration_drops_the_stored_day(caseload):
    from django.core.management import call_command

    work_list_rebuild(TODAY)
    call_command("migrate", "cases", verbosity=0)  # new code may compute other items
    assert not WorkListDay.holds(TODAY) and isinstance(work_rows(user=SYSTEM, today=TODAY), list)


def test_the_quarter_hourly_rebuild_mends_a_day_dropped_or_rows_left_stale(person_a):
    from cases.tasks import rebuild_work_list
    from sunshine.celery import app

    today = dt.date.today()
    person_a.measures.create(kind="community_detox", ordered_on=today - dt.timedelta(days=20))
    assert not WorkListDay.holds(today)
    stored = rebuild_work_list()  # the night's run failed, say: the next quarter stores the day
    assert WorkListDay.holds(today) and stored == WorkDue.objects.count() > 0
    WorkDue.objects.all().delete()  # marks lost: a process killed between a write's commit and its refresh
    assert rebuild_work_list() == stored == WorkDue.objects.count()
    work_store.work_list_drop()  # a refresh failed, a rule changed or a migration ran
    assert rebuild_work_list() == stored and WorkListDay.holds(today)
    schedule = app.conf.beat_schedule["work-list"]["schedule"]
    assert schedule.minute == {1, 16, 31, 46} and len(schedule.hour) == 24
