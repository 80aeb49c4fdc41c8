"""Lost updates (issue #12, finding 6): two users saving one record. Both changes are kept, or the
second is refused showing the first; never silently lost. Through the HTML form and the API."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from cases.models import Person, Visit
from cases.services import person_update
from sunshine.concurrency import StaleVersion

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    """What the browser would post back for this rendered form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def _open_form(client, user, url) -> dict:
    client.force_login(user)
    return _form_data(client.get(url).context["form"])


def test_a_stale_person_form_is_refused_and_shows_the_other_change(client, worker_a, county_officer, person_a):
    url = reverse("cases:person_update", args=[person_a.pk])
    worker_form = _open_form(client, worker_a, url)
    officer_form = _open_form(client, county_officer, url)
    assert worker_form["version"] == officer_form["version"] == 1

    assert client.post(url, {**officer_form, "phone": "13900000001"}).status_code == 302  # the officer saves first
    client.force_login(worker_a)
    response = client.post(url, {**worker_form, "address": "新住址 1 号"})  # her form still says version 1

    assert response.status_code == 200
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.address, person_a.version) == ("13900000001", "", 2)  # nothing of hers saved
    form = response.context["form"]
    assert "county_officer" in str(form.non_field_errors()) and "13900000001" in str(form.non_field_errors())
    assert form.errors["phone"] == ["county_officer 在您打开表单后已将此项改为“13900000001”。"]
    assert form["version"].value() == 2  # saving again is a decision taken with the change in sight

    again = client.post(url, {**_form_data(form), "phone": "13900000001", "address": "新住址 1 号"})
    assert again.status_code == 302
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.address, person_a.version) == ("13900000001", "新住址 1 号", 3)


def test_a_stale_record_form_is_refused(client, worker_a, county_officer, person_a):
    visit = Visit.objects.create(person=person_a, visited_on=dt.date(2024, 5, 1), kind="home", findings="在家")
    url = reverse("cases:record_update", kwargs={"kind": "visit", "pk": visit.pk})
    worker_form = _open_form(client, worker_a, url)
    officer_form = _open_form(client, county_officer, url)
    assert client.post(url, {**officer_form, "findings": "外出务工"}).status_code == 302
    client.force_login(worker_a)
    response = client.post(url, {**worker_form, "findings": "在家，情绪稳定"})
    assert response.status_code == 200 and "外出务工" in str(response.context["form"].errors["findings"])
    visit.refresh_from_db()
    assert (visit.findings, visit.version) == ("外出务工", 2)


def test_any_save_based_on_an_old_version_is_refused(worker_a, county_officer, person_a):
    """The check sits in the save path every writer shares, not in a view."""
    first, second = Person.objects.get(pk=person_a.pk), Person.objects.get(pk=person_a.pk)
    first.phone = "13900000002"
    person_update(user=county_officer, person=first)
    second.address = "别处"
    with pytest.raises(StaleVersion) as refused:
        person_update(user=worker_a, person=second)
    assert refused.value.current == 2
    assert [save["fields"] for save in refused.value.changes] == [[("phone", "联系电话", "—", "13900000002")]]
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.address) == ("13900000002", "")


def test_the_changes_of_a_refused_save_are_listed_in_the_forms_order(worker_a, county_officer, person_a):
    """The fields another user changed, as the form shows them: not in the stored changes' key order (PostgreSQL's
    jsonb gives keys shortest first: phone, notes, address)."""
    first, second = Person.objects.get(pk=person_a.pk), Person.objects.get(pk=person_a.pk)
    first.address, first.phone, first.notes = "新址", "13900000002", "搬家"
    person_update(user=county_officer, person=first)
    second.guardian_name = "某某"
    with pytest.raises(StaleVersion) as refused:
        person_update(user=worker_a, person=second)
    assert [name for name, *_shown in refused.value.changes[0]["fields"]] == ["address", "phone", "notes"]


def test_the_api_gives_an_etag_and_refuses_a_stale_if_match(client, worker_a, county_officer, person_a):
    url = reverse("api:person-detail", args=[person_a.pk])
    client.force_login(worker_a)
    read = client.get(url)
    assert read["ETag"] == '"1"' and read.json()["version"] == 1

    client.force_login(county_officer)
    first = client.patch(url, {"phone": "13900000003"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'

    client.force_login(worker_a)
    stale = client.patch(url, {"phone": "13800000000"}, content_type="application/json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    body = stale.json()
    assert body["version"] == 2 and "county_officer" in body["detail"]
    assert body["changes"][0]["fields"] == [["phone", "联系电话", "—", "13900000003"]]
    put = client.put(url, {**read.json(), "phone": "13800000000"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert put.status_code == 412
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.version) == ("13900000003", 2)

    fresh = client.patch(url, {"phone": "13800000000"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert fresh.status_code == 200 and fresh["ETag"] == '"3"'


def test_a_patch_without_if_match_changes_only_the_fields_it_sends(client, worker_a, county_officer, person_a):
    url = reverse("api:person-detail", args=[person_a.pk])
    client.force_login(worker_a)
    client.get(url)  # both read version 1, then each sends one field without If-Match
    client.force_login(county_officer)
    assert client.patch(url, {"phone": "13900000004"}, content_type="application/json").status_code == 200
    client.force_login(worker_a)
    assert client.patch(url, {"address": "新住址 2 号"}, content_type="application/json").status_code == 200
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.address, person_a.version) == ("13900000004", "新住址 2 号", 3)


def test_a_record_patch_with_a_stale_if_match_is_refused(client, worker_a, county_officer, person_a):
    visit = Visit.objects.create(person=person_a, visited_on=dt.date(2024, 5, 1), kind="home", findings="在家")
    url = reverse("api:visit-detail", args=[visit.pk])
    client.force_login(county_officer)
    first = client.patch(url, {"findings": "外出"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    client.force_login(worker_a)
    stale = client.patch(url, {"findings": "在家"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    visit.refresh_from_db()
    assert visit.findings == "外出"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_patches_at_the_same_moment_keep_both_changes(worker_a, county_officer, person_a):
    """The probe's race: two users PATCH different fields of one person at once, ten times."""
    from django.test import Client

    url = reverse("api:person-detail", args=[person_a.pk])

    def patch(user, data, start, answers):
        client = Client()
        client.force_login(user)
        start.wait(10)
        try:
            answers.append(client.patch(url, data, content_type="application/json").status_code)
        finally:
            connections.close_all()

    for run in range(10):
        start, answers = threading.Barrier(2), []

        threads = [
            threading.Thread(target=patch, args=(county_officer, {"phone": f"1390000{run:04d}"}, start, answers)),
            threading.Thread(target=patch, args=(worker_a, {"address": f"住址 {run}"}, start, answers)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        person_a.refresh_from_db()
        assert answers == [200, 200]
        assert (person_a.phone, person_a.address) == (f"1390000{run:04d}", f"住址 {run}"), run


def test_a_stale_placement_form_is_refused(client, worker_a, county_officer, person_a):
    """The apps above cases share the mechanism: a placement (placement.Placement is a PersonRecord)."""
    from placement.models import Placement
    from placement.services import placement_save

    placement = placement_save(
        user=worker_a,
        placement=Placement(
            person=person_a, mode="dispersed", contract_start=dt.date(2024, 1, 1), contract_end=dt.date(2024, 12, 31)
        ),
    )
    url = reverse("placement:placement_update", args=[placement.pk])
    worker_form = _open_form(client, worker_a, url)
    officer_form = _open_form(client, county_officer, url)
    assert client.post(url, {**officer_form, "wage": "2600"}).status_code == 302
    client.force_login(worker_a)
    response = client.post(url, {**worker_form, "notes": "试用期满"})
    assert response.status_code == 200 and "2600" in str(response.context["form"].errors["wage"])
    placement.refresh_from_db()
    assert (placement.wage, placement.notes, placement.version) == (2600, "", 2)
