"""Day-to-day records, the serious-breach counters and the work list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Alert, Leave, UrineTest, Visit
from cases.selectors import work_list
from cases.services import record_save
from sunshine.dates import add_years

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def days_ago(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def active(person_a):
    """person_a on community detox that started 100 days ago."""
    return MeasureFactory(
        person=person_a, ordered_on=days_ago(110), reported_on=days_ago(100), started_on=days_ago(100)
    )


def test_police_log_tests_but_not_visits(police_a, person_a):
    record_save(user=police_a, record=UrineTest(person=person_a, tested_on=TODAY, result="negative"))
    with pytest.raises(PermissionDenied):
        record_save(user=police_a, record=Visit(person=person_a, visited_on=TODAY))
    assert UrineTest.objects.get().recorded_by == police_a


def test_nobody_logs_for_a_person_out_of_scope(worker_b, person_a):
    with pytest.raises(PermissionDenied):
        record_save(user=worker_b, record=Visit(person=person_a, visited_on=TODAY))
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (lambda p: Visit(person=p, visited_on=TODAY + dt.timedelta(days=1)), "visited_on"),
        (
            lambda p: Leave(person=p, leave_from=TODAY, leave_until=TODAY + dt.timedelta(days=1), destination="x"),
            "leave_until",
        ),
        (lambda p: Leave(person=p, leave_from=TODAY, leave_until=days_ago(1), destination="x"), "leave_until"),
        (lambda p: UrineTest(person=p, tested_on=TODAY, result="maybe"), "result"),
    ],
)
def test_bad_records_are_refused_on_their_field(worker_a, person_a, record, field):
    with pytest.raises(ValidationError) as error:
        record_save(user=worker_a, record=record(person_a))
    assert field in error.value.message_dict


def test_a_three_day_leave_is_accepted(worker_a, person_a):
    leave = Leave(person=person_a, leave_from=TODAY, leave_until=TODAY + dt.timedelta(days=2), destination="遵义")
    assert record_save(user=worker_a, record=leave).pk


@pytest.mark.parametrize(("missed", "alerted"), [(2, False), (3, True)])
def test_three_evaded_or_refused_tests_raise_an_alert(worker_a, person_a, active, missed, alerted):
    for n, result in zip(range(missed), ["evaded", "refused", "evaded"], strict=False):
        record_save(user=worker_a, record=UrineTest(person=person_a, tested_on=days_ago(50 - n), result=result))
    record_save(user=worker_a, record=UrineTest(person=person_a, tested_on=days_ago(10), result="negative"))
    assert Alert.objects.filter(kind="tests_missed", measure=active).exists() is alerted


def test_absences_alert_at_three_or_beyond_thirty_days(police_a, person_a, active):
    from cases.models import Absence

    record_save(user=police_a, record=Absence(person=person_a, left_on=days_ago(90), returned_on=days_ago(60)))
    assert not Alert.objects.exists()  # exactly 30 days is not more than 30
    record_save(user=police_a, record=Absence(person=person_a, left_on=days_ago(20), returned_on=days_ago(19)))
    assert list(Alert.objects.values_list("kind", "count")) == [("absence_days", 31)]
    record_save(user=police_a, record=Absence(person=person_a, left_on=days_ago(5), returned_on=days_ago(4)))
    assert set(Alert.objects.values_list("kind", flat=True)) == {"absence_days", "absences"}


def test_records_before_the_measure_do_not_count(worker_a, person_a, active):
    for n in range(3):
        record_save(user=worker_a, record=UrineTest(person=person_a, tested_on=days_ago(200 + n), result="refused"))
    assert not Alert.objects.exists()


def test_the_work_list_orders_overdue_first(worker_a, person_a, township_a, active):
    # person_a: started 100 days ago, no test or visit yet → both overdue since day 30
    later = PersonFactory(township=township_a)
    MeasureFactory(person=later, ordered_on=days_ago(30), reported_on=days_ago(25), started_on=days_ago(25))
    unreported = PersonFactory(township=township_a)
    MeasureFactory(person=unreported, ordered_on=days_ago(10), reported_on=None, started_on=None)
    not_yet = PersonFactory(township=township_a)
    MeasureFactory(person=not_yet, ordered_on=days_ago(1), reported_on=None, started_on=None)  # due in 14 days
    items = work_list(user=worker_a, today=TODAY)
    assert [(item.person, item.kind, item.due_on) for item in items] == [
        (person_a, "urine_test", days_ago(70)),
        (person_a, "visit", days_ago(70)),
        (later, "urine_test", days_ago(-5)),
        (later, "visit", days_ago(-5)),
        (unreported, "report", days_ago(-5)),
    ]


def test_logging_a_test_moves_it_off_the_list(worker_a, person_a, active):
    record_save(user=worker_a, record=UrineTest(person=person_a, tested_on=TODAY, result="negative"))
    kinds = {item.kind for item in work_list(user=worker_a, today=TODAY)}
    assert "urine_test" not in kinds and "visit" in kinds


def test_the_schedule_slows_in_the_second_year(worker_a, person_a):
    MeasureFactory(person=person_a, ordered_on=days_ago(420), reported_on=days_ago(400), started_on=days_ago(400))
    record_save(user=worker_a, record=UrineTest(person=person_a, tested_on=days_ago(40), result="negative"))
    record_save(user=worker_a, record=Visit(person=person_a, visited_on=days_ago(40)))
    # year 2: tests every 60 days, visits every 60 days → due in 20 days, not on the list
    assert work_list(user=worker_a, today=TODAY) == []


def test_a_detained_person_has_nothing_due(police_a, worker_a, person_a, active):
    from cases.models import StatusEvent

    record_save(user=police_a, record=StatusEvent(person=person_a, kind="detained", occurred_on=days_ago(1)))
    assert work_list(user=worker_a, today=TODAY) == []


def test_expiry_and_discharge_notice_appear(worker_a, person_a, township_a):
    MeasureFactory(
        person=person_a,
        ordered_on=add_years(TODAY, -3),
        reported_on=add_years(TODAY, -3) + dt.timedelta(days=3),
        started_on=add_years(TODAY, -3) + dt.timedelta(days=3),
    )
    other = PersonFactory(township=township_a)
    MeasureFactory(
        person=other,
        started_on=days_ago(1200),
        reported_on=days_ago(1200),
        ended_on=days_ago(2),
        end_reason="completed",
    )
    kinds = {(item.person, item.kind) for item in work_list(user=worker_a, today=TODAY)}
    assert (person_a, "expiry") in kinds and (other, "discharge_notice") in kinds


def test_the_work_list_page_has_a_fixed_query_count(client, worker_a, township_a, django_assert_max_num_queries):
    for n in range(15):
        person = PersonFactory(township=township_a)
        MeasureFactory(
            person=person, ordered_on=days_ago(100 + n), reported_on=days_ago(90 + n), started_on=days_ago(90 + n)
        )
    client.force_login(worker_a)
    # session, user, user's region; schedule rules, the work list's count and page (one statement each, every
    # source in it), the page's persons; pathway facts (measures, status events, enrolments, placements); open
    # alerts, open transfers; the office's regions (none for a worker); session save (3)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("home"))
    assert len(response.context["overdue"]) == 30


def test_a_worker_logs_a_visit_in_a_few_taps(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:record_create", args=[person_a.pk, "visit"])
    form = client.get(url).context["form"]
    assert form.initial["visited_on"] == TODAY
    response = client.post(url, {"visited_on": TODAY.isoformat(), "kind": "home", "whereabouts_confirmed": "on"})
    assert response.status_code == 302
    visit = Visit.objects.get(person=person_a)
    assert (visit.recorded_by, visit.whereabouts_confirmed) == (worker_a, True)
    page = client.get(person_a.get_absolute_url()).content.decode()
    assert (TODAY.isoformat() in page and "入户走访" in page) or "Home visit" in page


def test_a_future_visit_gets_a_field_message_and_nothing_is_saved(client, worker_a, person_a):
    client.force_login(worker_a)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:record_create", args=[person_a.pk, "visit"]), {"visited_on": tomorrow, "kind": "home"}
    )
    assert response.status_code == 200 and "visited_on" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_the_api_logs_a_test_and_hides_other_townships(client, worker_a, worker_b, person_a):
    client.force_login(worker_a)
    created = client.post(
        reverse("api:urine-test-list"), {"person": person_a.pk, "tested_on": TODAY.isoformat(), "result": "negative"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["recorded_by"] == "worker_a"
    client.force_login(worker_b)
    assert client.get(reverse("api:urine-test-list")).json()["results"] == []
    refused = client.post(
        reverse("api:urine-test-list"), {"person": person_a.pk, "tested_on": TODAY.isoformat(), "result": "negative"}
    )
    assert refused.status_code == 400 and "person" in refused.json()
    assert UrineTest.objects.count() == 1
