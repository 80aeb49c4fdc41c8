"""Registration probing (issue 12, finding 7): every "already registered" answer is audited, and more than a
day's threshold of "registered elsewhere" answers to one user alerts the county office."""

import pytest
from django.urls import reverse

from sunshine.models import AuditEntry

pytestmark = pytest.mark.django_db


def _register(client, id_number, township):
    return client.post(
        reverse("cases:person_create"),
        {"id_number": id_number, "name": "试探", "township": township.code, "registered_on": "2012-01-01"},
    )


def test_a_registered_elsewhere_answer_is_audited(client, worker_a, township_a, person_z):
    client.force_login(worker_a)
    response = _register(client, person_z.id_number, township_a)
    assert response.status_code == 200
    assert "已在其他地区登记" in response.content.decode() and person_z.name not in response.content.decode()
    probe = AuditEntry.objects.get(event="probe")
    assert (probe.actor, probe.region_id) == (worker_a, township_a.code)
    assert probe.additional_data == {"elsewhere": 1, "seen": 0, "source": "register"}


def test_a_duplicate_the_user_may_open_is_audited_too(client, worker_a, township_a, person_a):
    client.force_login(worker_a)
    _register(client, person_a.id_number, township_a)
    assert AuditEntry.objects.get(event="probe").additional_data == {"elsewhere": 0, "seen": 1, "source": "register"}
    assert not AuditEntry.objects.filter(event="probe_alert").exists()


def test_more_answers_than_the_threshold_alert_the_county_office_once_a_day(
    client, settings, worker_a, township_a, person_c, person_z, county_officer, other_county_officer
):
    settings.REGISTRATION_PROBE_LIMIT = 2
    client.force_login(worker_a)
    for person in (person_c, person_z):
        _register(client, person.id_number, township_a)
    assert not AuditEntry.objects.filter(event="probe_alert").exists()  # at the limit, not past it
    for person in (person_z, person_c):
        _register(client, person.id_number, township_a)
    alert = AuditEntry.objects.get(event="probe_alert")  # one a day, however many more
    assert (alert.region_id, alert.additional_data["elsewhere"], alert.additional_data["limit"]) == (
        township_a.code,
        3,
        2,
    )

    client.force_login(county_officer)
    home = client.get(reverse("home")).content.decode()
    assert 'id="probe-alerts"' in home and str(worker_a) in home
    client.force_login(other_county_officer)
    assert 'id="probe-alerts"' not in client.get(reverse("home")).content.decode()
    client.force_login(worker_a)
    assert 'id="probe-alerts"' not in client.get(reverse("home")).content.decode()


def test_the_county_office_acknowledges_an_alert_once_and_it_leaves_the_work_list(
    client, settings, worker_a, township_a, person_z, county_officer, other_county_officer
):
    settings.REGISTRATION_PROBE_LIMIT = 0
    client.force_login(worker_a)
    _register(client, person_z.id_number, township_a)
    alert = AuditEntry.objects.get(event="probe_alert")
    url = reverse("probe_alert_acknowledge", args=[alert.pk])
    client.force_login(other_county_officer)
    assert client.post(url).status_code == 404  # another county's office does not see it
    client.force_login(county_officer)
    assert client.post(url).status_code == 302
    ack = AuditEntry.objects.get(event="probe_ack")
    assert (ack.actor, ack.region_id, ack.additional_data["alert"]) == (county_officer, township_a.code, alert.pk)
    assert 'id="probe-alerts"' not in client.get(reverse("home")).content.decode()
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert "该预警已处理" in response.content.decode()
    assert AuditEntry.objects.filter(event="probe_ack").count() == 1


def test_the_api_answer_is_audited_as_well(client, worker_a, township_a, person_z):
    client.force_login(worker_a)
    response = client.post(
        reverse("api:person-list"),
        {"id_number": person_z.id_number, "name": "试探", "township": township_a.code, "registered_on": "2012-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "id_number" in response.json()
    assert AuditEntry.objects.filter(event="probe", actor=worker_a).count() == 1
