"""The field app's page, service worker, manifest and caseload copy (DESIGN §5a)."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from cases.models import UrineTest, Visit

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def under_measure(person):
    start = TODAY - dt.timedelta(days=100)
    return MeasureFactory(person=person, ordered_on=start - dt.timedelta(days=5), reported_on=start, started_on=start)


def test_the_caseload_copy_holds_no_full_id_and_no_health_data(client, worker_a, person_a, township_a, person_b):
    person_a.hiv_status = "positive"
    person_a.save()
    under_measure(person_a)
    under_measure(person_b)
    PersonFactory(name="无措施", township=township_a)  # no active measure: not in the copy
    for days in range(5):
        Visit.objects.create(person=person_a, visited_on=TODAY - dt.timedelta(days=40 + days), findings="在家")
    UrineTest.objects.create(person=person_a, tested_on=TODAY, result="negative")
    client.force_login(worker_a)
    copy = client.get(reverse("api:caseload")).json()
    assert copy["user"] == "worker_a"
    synced = dt.datetime.fromisoformat(copy["synced_at"])
    assert dt.datetime.fromisoformat(copy["expires_at"]) - synced == dt.timedelta(hours=72)
    assert [p["name"] for p in copy["persons"]] == [person_a.name]
    (entry,) = copy["persons"]
    assert entry["masked_id"] == person_a.masked_id and "*" in entry["masked_id"]
    body = json.dumps(copy, ensure_ascii=False)
    assert person_a.id_number not in body and "hiv" not in body and "positive" not in body
    assert entry["stage"] == "身心康复"
    visits = [(TODAY - dt.timedelta(days=40 + n)).isoformat() for n in range(3)]  # the last three of five
    assert [r["date"] for r in entry["recent"]] == [*visits, TODAY.isoformat()]
    assert [d["label"] for d in entry["due"]] == ["走访"]  # the test was today; the visit is overdue


def test_the_caseload_query_count_does_not_grow_with_persons(
    client, worker_a, township_a, django_assert_max_num_queries
):
    for _n in range(12):
        person = PersonFactory(township=township_a)
        under_measure(person)
        Visit.objects.create(person=person, visited_on=TODAY)
    client.force_login(worker_a)
    # session + user, persons, their visits, their tests, the schedule rules, the work list's measures, last
    # tests and visits, whereabouts events, report / expiry / discharge measures, and the pathway's fact sources
    with django_assert_max_num_queries(22):
        assert len(client.get(reverse("api:caseload")).json()["persons"]) == 12


def test_the_field_page_offers_the_online_forms_of_the_users_role(client, worker_a, police_a, hr_staff):
    client.force_login(worker_a)
    page = client.get(reverse("cases:field")).content.decode()
    for name in ("visits-visited_on", "urine-tests-result", "absences-left_on", "leaves-destination"):
        assert f'name="{name}"' in page
    assert "person" not in page.split('id="field-caseload"')[1].split("</ul>")[0]  # persons come from IndexedDB
    client.force_login(police_a)
    page = client.get(reverse("cases:field")).content.decode()
    assert 'name="urine-tests-record_finding"' in page and 'name="visits-visited_on"' not in page
    client.force_login(hr_staff)
    assert client.get(reverse("cases:field")).status_code == 403


def test_the_service_worker_and_manifest_serve_without_a_session(client):
    worker = client.get(reverse("cases:field_sw"))
    assert worker["Content-Type"].startswith("application/javascript")
    script = worker.content.decode()
    assert "/static/vendor/workbox/workbox-sw.js" in script and reverse("cases:field") in script
    assert "/api/" not in script  # API answers (personal data) are never cached by the worker
    manifest = json.loads(client.get(reverse("cases:field_manifest")).content)
    assert manifest["start_url"] == reverse("cases:field") and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
