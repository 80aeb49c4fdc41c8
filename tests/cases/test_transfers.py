"""Transfers of the place of execution: hand-over, county approval, and access following the person."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Person, Transfer
from cases.services import transfer_accept, transfer_approve, transfer_reject, transfer_start
from sunshine.models import Region

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_within_a_county_the_receiving_township_accepts_and_access_follows(
    client, worker_a, worker_b, person_a, township_b
):
    transfer = transfer_start(user=worker_a, person=person_a, to_township=township_b, requested_on=TODAY, reason="搬家")
    # both sides see the pending transfer
    for worker in (worker_a, worker_b):
        assert list(Transfer.objects.visible_to(worker)) == [transfer]
    with pytest.raises(PermissionDenied):
        transfer_accept(user=worker_a, transfer=transfer, effective_on=TODAY)  # the sender cannot accept
    transfer_accept(user=worker_b, transfer=transfer, effective_on=TODAY)
    person_a.refresh_from_db()
    assert person_a.township == township_b and Transfer.objects.get().status == "accepted"
    # the sending worker loses the person, keeps the transfer record; the receiver gains the person
    client.force_login(worker_a)
    assert client.get(person_a.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:person-detail", args=[person_a.pk])).status_code == 404
    assert list(Transfer.objects.visible_to(worker_a)) == [transfer]
    client.force_login(worker_b)
    assert client.get(person_a.get_absolute_url()).status_code == 200


def test_across_counties_the_receiving_county_approves(
    worker_a, other_county_officer, county_officer, person_a, township_c
):
    from ..factories import StaffFactory

    worker_c = StaffFactory(username="worker_c", role="township_worker", region=township_c)
    transfer = transfer_start(user=worker_a, person=person_a, to_township=township_c, requested_on=TODAY)
    transfer_accept(user=worker_c, transfer=transfer, effective_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.status == "awaiting_county"
    assert Person.objects.get(pk=person_a.pk).township_id == person_a.township_id  # not yet moved
    with pytest.raises(PermissionDenied):
        transfer_approve(user=county_officer, transfer=transfer)  # the sending county does not approve
    transfer_approve(user=other_county_officer, transfer=transfer)
    assert Person.objects.get(pk=person_a.pk).township == township_c
    assert Transfer.objects.get().county_approved_by == other_county_officer


def test_a_rejected_transfer_leaves_the_person_where_they_are(worker_a, worker_b, person_a, township_b):
    transfer = transfer_start(user=worker_a, person=person_a, to_township=township_b, requested_on=TODAY)
    transfer_reject(user=worker_b, transfer=transfer, notes="不在本辖区居住")
    assert Transfer.objects.get().status == "rejected"
    assert Person.objects.get(pk=person_a.pk).township_id == person_a.township_id
    with pytest.raises(ValidationError):
        transfer_accept(user=worker_b, transfer=transfer, effective_on=TODAY)


def test_the_sender_may_withdraw(worker_a, person_a, township_b):
    transfer = transfer_start(user=worker_a, person=person_a, to_township=township_b, requested_on=TODAY)
    assert transfer_reject(user=worker_a, transfer=transfer, notes="").status == "cancelled"


@pytest.mark.parametrize("target", ["same", "county", "open"])
def test_bad_transfers_are_refused(worker_a, person_a, township_a, township_b, target):
    if target == "open":
        transfer_start(user=worker_a, person=person_a, to_township=township_b, requested_on=TODAY)
    to = {"same": township_a, "county": Region.objects.get(code="520102"), "open": township_b}[target]
    with pytest.raises(ValidationError) as error:
        transfer_start(user=worker_a, person=person_a, to_township=to, requested_on=TODAY)
    assert "to_township" in error.value.message_dict


def test_only_the_sending_side_starts_a_transfer(worker_b, person_a, township_b):
    with pytest.raises(PermissionDenied):
        transfer_start(user=worker_b, person=person_a, to_township=township_b, requested_on=TODAY)


def test_the_measure_clock_runs_on_after_a_transfer(worker_a, worker_b, person_a, township_b):
    from ..factories import MeasureFactory

    measure = MeasureFactory(person=person_a)
    end_before = measure.planned_end
    transfer = transfer_start(user=worker_a, person=person_a, to_township=township_b, requested_on=TODAY)
    transfer_accept(user=worker_b, transfer=transfer, effective_on=TODAY)
    measure.refresh_from_db()
    assert measure.planned_end == end_before and measure.ended_on is None


def test_the_api_starts_and_accepts_a_transfer(client, worker_a, worker_b, person_a, township_b):
    client.force_login(worker_a)
    created = client.post(
        reverse("api:transfer-list"),
        {"person": person_a.pk, "to_township": township_b.code, "requested_on": TODAY.isoformat()},
    )
    assert created.status_code == 201, created.content
    url = reverse("api:transfer-accept", args=[created.json()["id"]])
    assert client.post(url, {"effective_on": TODAY.isoformat()}).status_code == 403
    client.force_login(worker_b)
    accepted = client.post(url, {"effective_on": TODAY.isoformat()})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Person.objects.get(pk=person_a.pk).township == township_b
