"""The field app's sync endpoint (DESIGN §5a, §6): POST /api/v1/sync/."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from cases.models import Absence, Leave, UrineTest, Visit
from sunshine.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()
URL = "/api/v1/sync/"


def sync(client, records):
    return client.post(URL, {"records": records}, content_type="application/json")


def record(kind, person, **data):
    defaults = {
        "visits": {"visited_on": TODAY, "kind": "home"},
        "urine-tests": {"tested_on": TODAY, "result": "negative"},
        "absences": {"left_on": TODAY},
        "leaves": {"leave_from": TODAY, "leave_until": (dt.date.today() + dt.timedelta(days=4)).isoformat(),
                   "destination": "贵阳"},
    }[kind]  # fmt: skip
    return {"id": str(uuid.uuid4()), "type": kind, "data": {"person": person.pk, **defaults, **data}}


def test_it_is_the_route_of_the_contract():
    assert reverse("api:sync") == URL


def test_it_creates_each_record_once_and_answers_in_order(client, worker_a, person_a):
    client.force_login(worker_a)
    batch = [record(kind, person_a) for kind in ("visits", "urine-tests", "absences", "leaves")]
    first = sync(client, batch)
    assert first.status_code == 200
    assert first.json()["results"] == [{"id": r["id"], "status": "created", "errors": {}} for r in batch]
    counts = [model.objects.filter(person=person_a, recorded_by=worker_a).count()
              for model in (Visit, UrineTest, Absence, Leave)]  # fmt: skip
    assert counts == [1, 1, 1, 1]
    again = sync(client, batch)
    assert [r["status"] for r in again.json()["results"]] == ["exists"] * 4
    assert Visit.objects.count() + UrineTest.objects.count() + Absence.objects.count() + Leave.objects.count() == 4


def test_it_refuses_another_townships_person_without_detail(client, worker_a, person_a, person_b):
    client.force_login(worker_a)
    missing = record("visits", person_a)
    missing["data"]["person"] = 99999999
    results = sync(client, [record("visits", person_b), missing, record("visits", person_a)]).json()["results"]
    assert results[0]["status"] == results[1]["status"] == "refused"
    assert results[0]["errors"] == results[1]["errors"] == {"person": ["不在您的辖区。"]}
    assert results[2]["status"] == "created"
    assert list(Visit.objects.values_list("person", flat=True)) == [person_a.pk]


def test_it_answers_field_errors_per_record_in_chinese(client, worker_a, person_a):
    client.force_login(worker_a)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    batch = [
        record("visits", person_a, visited_on=future),
        record("urine-tests", person_a, result="maybe"),
        record("leaves", person_a, leave_until=TODAY),
        record("absences", person_a, left_on="2024-02-30"),
        {"id": "not-a-uuid", "type": "visits", "data": {"person": person_a.pk, "visited_on": TODAY}},
        {"id": str(uuid.uuid4()), "type": "findings", "data": {}},
        record("visits", person_a),
    ]
    results = sync(client, batch).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 6 + ["created"]
    assert results[0]["errors"] == {"visited_on": ["该日期不能晚于今天。"]}
    assert list(results[1]["errors"]) == ["result"]
    assert list(results[2]["errors"]) == ["leave_until"]
    assert list(results[3]["errors"]) == ["left_on"]
    assert list(results[4]["errors"]) == ["id"] and results[4]["id"] == "not-a-uuid"
    assert list(results[5]["errors"]) == ["type"]
    assert Visit.objects.count() == 1 and not UrineTest.objects.exists() and not Leave.objects.exists()
    # Fixed on the phone, the refused record is sent again under its same id and saved.
    batch[0]["data"]["visited_on"] = TODAY
    assert sync(client, batch[:1]).json()["results"][0]["status"] == "created"


def test_police_may_sync_tests_and_absences_not_visits(client, police_a, person_a):
    client.force_login(police_a)
    results = sync(client, [record("urine-tests", person_a), record("visits", person_a)]).json()["results"]
    assert [r["status"] for r in results] == ["created", "refused"]
    assert list(results[1]["errors"]) == ["type"]


def test_it_takes_200_records_in_one_request_and_500_at_most(client, worker_a, person_a, django_assert_max_num_queries):
    client.force_login(worker_a)
    batch = [record("visits", person_a, visited_on=(dt.date.today() - dt.timedelta(days=n)).isoformat())
             for n in range(200)]  # fmt: skip
    response = sync(client, batch)
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 200
    assert Visit.objects.count() == 200
    too_many = sync(client, [record("visits", person_a) for _ in range(501)])
    assert too_many.status_code == 400 and "records" in too_many.json()
    assert Visit.objects.count() == 200


def test_its_records_are_audited_like_the_online_forms(client, worker_a, person_a):
    client.force_login(worker_a)
    sync(client, [record("visits", person_a), record("urine-tests", person_a)])
    entries = AuditEntry.objects.filter(event="create", actor=worker_a, region=person_a.township)
    assert sorted(entries.values_list("content_type__model", flat=True)) == ["urinetest", "visit"]
    assert set(entries.values_list("object_pk", flat=True)) == {
        str(Visit.objects.get().pk),
        str(UrineTest.objects.get().pk),
    }


def test_a_record_id_of_another_account_is_refused(client, worker_a, worker_b, person_a, person_b):
    client.force_login(worker_a)
    first = record("visits", person_a)
    sync(client, [first])
    client.force_login(worker_b)
    taken = {**first, "data": {**first["data"], "person": person_b.pk}}
    result = sync(client, [taken]).json()["results"][0]
    assert result["status"] == "refused" and list(result["errors"]) == ["id"]
    assert Visit.objects.count() == 1


def test_roles_that_record_nothing_in_the_field_are_refused(client, hr_staff, province_officer):
    for user in (hr_staff, province_officer):
        client.force_login(user)
        assert sync(client, []).status_code == 403


def test_a_positive_test_goes_through_the_online_forms_service(client, police_a, person_a):
    """As on the form: the police's positive test records the drug-use finding in the same step, once."""
    from cases.models import DrugUseFinding

    client.force_login(police_a)
    positive = record("urine-tests", person_a, result="positive", substance="海洛因", record_finding=True)
    assert sync(client, [positive]).json()["results"][0]["status"] == "created"
    assert sync(client, [positive]).json()["results"][0]["status"] == "exists"
    assert UrineTest.objects.get().substance == "海洛因"
    assert DrugUseFinding.objects.get(person=person_a).found_on == dt.date.today()


@pytest.mark.django_db(transaction=True)  # real commits: each record's refresh would follow its own
def test_a_batch_refreshes_the_stored_work_list_once(client, worker_a, person_a, person_c):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import WorkDue
    from cases.selectors import live_work_rows
    from cases.services.work_list import work_list_rebuild
    from sunshine.access import SYSTEM

    today = dt.date.today()
    for person in (person_a, person_c):
        days = (today - dt.timedelta(days=40), today - dt.timedelta(days=38))
        person.measures.create(kind="community_detox", ordered_on=days[0], reported_on=days[1], started_on=days[1])
    work_list_rebuild(today)
    before = set(WorkDue.objects.values_list("person_id", "kind", "due_on"))
    client.force_login(worker_a)
    batch = [record("visits", person_a, visited_on=(today - dt.timedelta(days=n)).isoformat()) for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        response = sync(client, [*batch, record("urine-tests", person_a)])
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 31
    refreshes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "cases_workdue"')]
    assert len(refreshes) == 1  # one refresh of the batch's person, not 31
    stored = set(WorkDue.objects.values_list("person_id", "kind", "due_on"))
    live = {(person, kind, due) for due, _name, person, kind in live_work_rows(user=SYSTEM, today=today)}
    assert stored == live
    assert {person for person, _kind, _due in before - stored} == {person_a.pk}  # the visit and the test done
    assert {row for row in before if row[0] == person_c.pk} <= stored
