"""Welfare benefits: the township applies, civil affairs decides and ends, the county office corrects."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Person
from cases.timeline import timeline
from sunshine.models import AuditEntry
from welfare.models import Benefit
from welfare.services import benefit_apply, benefit_correct, benefit_decide, benefit_end

from ..factories import PersonFactory
from .factories import BenefitFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def days_ago(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def applied(worker_a, person_a):
    """person_a applied for the minimum living guarantee 30 days ago."""
    return benefit_apply(user=worker_a, person=person_a, kind="minimum_living", applied_on=days_ago(30))


@pytest.fixture
def approved(applied, civil_affairs):
    return benefit_decide(
        user=civil_affairs,
        benefit=applied,
        outcome="approved",
        decided_on=days_ago(20),
        amount=Decimal("320.00"),
        starts_on=days_ago(20),
    )


def test_it_applies_decides_and_ends(worker_a, civil_affairs, person_a):
    benefit = benefit_apply(
        user=worker_a, person=person_a, kind="minimum_living", applied_on=days_ago(30), application_notes="无收入"
    )
    assert (benefit.status, benefit.recorded_by) == ("applied", worker_a)
    benefit = benefit_decide(
        user=civil_affairs,
        benefit=benefit,
        outcome="approved",
        decided_on=days_ago(20),
        amount=Decimal("320.00"),
        starts_on=days_ago(19),
    )
    benefit = benefit_end(user=civil_affairs, benefit=benefit, ends_on=days_ago(1))
    benefit.refresh_from_db()
    assert (benefit.status, benefit.decided_by, benefit.amount, benefit.starts_on, benefit.ends_on) == (
        "ended",
        civil_affairs,
        Decimal("320.00"),
        days_ago(19),
        days_ago(1),
    )
    entries = [
        (e.day, e.text, e.tone) for e in timeline(person_a, user=worker_a) if e.category == "Minimum living guarantee"
    ]
    assert entries == [
        (days_ago(1), "Ended", ""),
        (days_ago(20), "Approved · 320.00 yuan a month", "good"),
        (days_ago(30), "Applied for · 无收入", ""),
    ]
    assert AuditEntry.objects.filter(content_type__model="benefit", object_id=benefit.pk).count() == 3


def test_a_refusal_states_its_reason(applied, civil_affairs, worker_a, person_a):
    benefit_decide(user=civil_affairs, benefit=applied, outcome="refused", decided_on=TODAY, decision_notes="收入超标")
    applied.refresh_from_db()
    assert (applied.status, applied.amount, applied.decision_notes) == ("refused", None, "收入超标")
    assert ("Refused · 收入超标", "bad") in [(e.text, e.tone) for e in timeline(person_a, user=worker_a)]
    # a refused application is closed: the person may apply again
    assert benefit_apply(user=worker_a, person=person_a, kind="minimum_living", applied_on=TODAY).pk


def test_medical_insurance_is_approved_without_an_amount(worker_a, civil_affairs, person_a):
    benefit = benefit_apply(user=worker_a, person=person_a, kind="rural_medical", applied_on=days_ago(3))
    benefit = benefit_decide(user=civil_affairs, benefit=benefit, outcome="approved", decided_on=TODAY, starts_on=TODAY)
    assert (benefit.status, benefit.amount) == ("approved", None)


def test_paid_temporary_relief_does_not_block_a_new_application(worker_a, civil_affairs, person_a):
    first = benefit_apply(user=worker_a, person=person_a, kind="temporary_relief", applied_on=days_ago(60))
    benefit_decide(
        user=civil_affairs,
        benefit=first,
        outcome="approved",
        decided_on=days_ago(50),
        amount=500,
        starts_on=days_ago(50),
    )
    assert benefit_apply(user=worker_a, person=person_a, kind="temporary_relief", applied_on=TODAY).pk


def _apply(kind="minimum_living", applied_on=None):
    return lambda user, person, **_: benefit_apply(
        user=user, person=person, kind=kind, applied_on=applied_on or days_ago(30)
    )


def _decide(kind="minimum_living", **changes):
    def run(user, person, civil_affairs):
        benefit = benefit_apply(user=user, person=person, kind=kind, applied_on=days_ago(30))
        arguments = {"outcome": "approved", "decided_on": days_ago(20), "amount": 300, "starts_on": days_ago(20)}
        return benefit_decide(user=civil_affairs, benefit=benefit, **{**arguments, **changes})

    return run


def _then(first, second):
    def run(user, person, civil_affairs):
        first(user, person, civil_affairs=civil_affairs)
        return second(user, person, civil_affairs=civil_affairs)

    return run


def _decide_twice(user, person, civil_affairs):
    benefit = _decide()(user, person, civil_affairs)
    return benefit_decide(user=civil_affairs, benefit=benefit, outcome="refused", decided_on=TODAY, decision_notes="x")


def _end(ends_on):
    def run(user, person, civil_affairs):
        benefit = _decide()(user, person, civil_affairs)
        return benefit_end(user=civil_affairs, benefit=benefit, ends_on=ends_on)

    return run


def _end_unapproved(user, person, civil_affairs):
    benefit = benefit_apply(user=user, person=person, kind="disability", applied_on=days_ago(3))
    return benefit_end(user=civil_affairs, benefit=benefit, ends_on=TODAY)


@pytest.mark.parametrize(
    ("attempt", "field"),
    [
        (_then(_apply(), _apply(applied_on=days_ago(1))), "kind"),  # a second open application
        (_then(_decide(), _apply(applied_on=days_ago(1))), "kind"),  # while the benefit runs
        (_then(_apply("urban_medical"), _apply("rural_medical")), "kind"),  # one medical scheme at a time
        (_apply(applied_on=TODAY + dt.timedelta(days=1)), "applied_on"),
        (_apply(kind="pension"), "kind"),
        (_decide(amount=None), "amount"),  # 低保 without an amount
        (_decide(kind="disability", amount=None), "amount"),
        (_decide(kind="temporary_relief", amount=None), "amount"),
        (_decide(kind="urban_medical", amount=50), "amount"),  # insurance pays nothing
        (_decide(amount=-1), "amount"),
        (_decide(starts_on=None), "starts_on"),
        (_decide(decided_on=days_ago(31)), "decided_on"),  # decided before the application
        (_decide(decided_on=TODAY + dt.timedelta(days=1)), "decided_on"),
        (_decide(outcome="refused", decision_notes=" "), "decision_notes"),
        (_decide(outcome="ended"), "outcome"),
        (_decide_twice, "status"),
        (_end(days_ago(21)), "ends_on"),  # before the start
        (_end(TODAY + dt.timedelta(days=1)), "ends_on"),
        (_end_unapproved, "status"),
    ],
    ids=[
        "duplicate-open-application",
        "duplicate-running-benefit",
        "second-medical-scheme",
        "future-application",
        "unknown-kind",
        "minimum-living-without-amount",
        "disability-without-amount",
        "relief-without-amount",
        "medical-with-amount",
        "negative-amount",
        "no-start",
        "decided-before-applied",
        "future-decision",
        "refusal-without-reason",
        "unknown-outcome",
        "decided-twice",
        "ends-before-start",
        "future-end",
        "ending-an-application",
    ],
)
def test_refusals_name_their_field(worker_a, civil_affairs, person_a, attempt, field):
    with pytest.raises(ValidationError) as error:
        attempt(worker_a, person_a, civil_affairs=civil_affairs)
    assert field in error.value.message_dict, error.value.message_dict
    for benefit in Benefit.objects.all():  # the refused step saved nothing half-valid
        benefit.full_clean()
        assert benefit.status != "ended" or benefit.ends_on <= TODAY


@pytest.mark.parametrize("who", ["worker_a", "county_officer", "police_a", "hr_staff", "other_civil_affairs"])
def test_only_civil_affairs_of_the_region_decide(request, applied, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        benefit_decide(user=user, benefit=applied, outcome="refused", decided_on=TODAY, decision_notes="x")
    applied.refresh_from_db()
    assert applied.status == "applied"


@pytest.mark.parametrize("who", ["police_a", "worker_b", "civil_affairs", "prefecture_officer"])
def test_only_the_township_or_county_office_applies(request, person_a, who):
    with pytest.raises(PermissionDenied):
        benefit_apply(user=request.getfixturevalue(who), person=person_a, kind="disability", applied_on=TODAY)
    assert not Benefit.objects.exists()


def test_the_county_office_corrects_and_the_rules_still_hold(
    county_officer, worker_a, civil_affairs, applied, person_a
):
    applied.application_notes = "补充材料"
    assert benefit_correct(user=county_officer, benefit=applied).application_notes == "补充材料"
    for user in (worker_a, civil_affairs):
        with pytest.raises(PermissionDenied):
            benefit_correct(user=user, benefit=applied)
    other = benefit_apply(user=worker_a, person=person_a, kind="disability", applied_on=TODAY)
    other.kind = "minimum_living"
    with pytest.raises(ValidationError) as error:
        benefit_correct(user=county_officer, benefit=other)
    assert "kind" in error.value.message_dict


def test_civil_affairs_sees_benefits_of_its_region_but_no_person(client, civil_affairs, persons):
    for person in persons.values():
        BenefitFactory(person=person)
    assert {b.person.name for b in Benefit.objects.visible_to(civil_affairs)} == {"甲某", "乙某"}
    assert not Person.objects.visible_to(civil_affairs).exists()
    client.force_login(civil_affairs)
    page = client.get(reverse("welfare:benefit_list")).content.decode()
    assert "甲某" in page and "乙某" in page and "丙某" not in page and "丁某" not in page
    assert persons["a"].get_absolute_url() not in page  # no link to a file they cannot open
    assert reverse("welfare:benefit_decide", args=[Benefit.objects.get(person=persons["a"]).pk]) in page
    assert client.get(reverse("api:benefit-list")).json()["count"] == 2
    assert client.get(persons["a"].get_absolute_url()).status_code == 404
    assert client.get(reverse("welfare:benefit_apply", args=[persons["a"].pk])).status_code == 404
    out_of_region = Benefit.objects.get(person=persons["c"])
    assert client.get(reverse("welfare:benefit_decide", args=[out_of_region.pk])).status_code == 404


def test_hr_staff_sees_no_benefit(client, hr_staff, persons):
    benefit = BenefitFactory(person=persons["a"])
    assert not Benefit.objects.visible_to(hr_staff).exists()
    client.force_login(hr_staff)
    assert client.get(reverse("api:benefit-list")).json()["count"] == 0
    assert "甲某" not in client.get(reverse("welfare:benefit_list")).content.decode()
    assert client.get(reverse("api:benefit-detail", args=[benefit.pk])).status_code == 404


def test_the_pages_take_an_application_through_to_its_end(client, worker_a, civil_affairs, person_a):
    client.force_login(worker_a)
    url = reverse("welfare:benefit_apply", args=[person_a.pk])
    assert client.get(url).context["form"].initial["applied_on"] == TODAY
    response = client.post(url, {"kind": "disability", "applied_on": days_ago(10).isoformat()})
    assert response.status_code == 302 and response["Location"].startswith(person_a.get_absolute_url())
    benefit = Benefit.objects.get(person=person_a)
    assert client.get(reverse("welfare:benefit_decide", args=[benefit.pk])).status_code == 403

    client.force_login(civil_affairs)
    decide = reverse("welfare:benefit_decide", args=[benefit.pk])
    missing = client.post(decide, {"outcome": "approved", "decided_on": days_ago(5).isoformat()})
    assert missing.status_code == 200 and set(missing.context["form"].errors) == {"amount", "starts_on"}
    response = client.post(
        decide,
        {"outcome": "approved", "decided_on": days_ago(5).isoformat(), "amount": "150", "starts_on": days_ago(5)},
    )
    assert response.status_code == 302 and response["Location"] == reverse("welfare:benefit_list")
    again = client.post(decide, {"outcome": "refused", "decided_on": TODAY.isoformat(), "decision_notes": "x"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    early = client.post(reverse("welfare:benefit_end", args=[benefit.pk]), {"ends_on": days_ago(6).isoformat()})
    assert early.status_code == 200 and "ends_on" in early.context["form"].errors
    response = client.post(reverse("welfare:benefit_end", args=[benefit.pk]), {"ends_on": TODAY.isoformat()})
    assert response.status_code == 302
    benefit.refresh_from_db()
    assert (benefit.status, benefit.amount, benefit.ends_on) == ("ended", Decimal("150.00"), TODAY)


def test_the_list_filters_by_status_and_kind(client, civil_affairs, person_a, person_b):
    BenefitFactory(person=person_a, kind="disability")
    BenefitFactory(person=person_b, kind="minimum_living", status="refused", decided_on=TODAY, decision_notes="x")
    client.force_login(civil_affairs)
    url = reverse("welfare:benefit_list")
    assert [b.person for b in client.get(url, {"status": "applied"}).context["object_list"]] == [person_a]
    assert [b.person for b in client.get(url, {"kind": "minimum_living"}).context["object_list"]] == [person_b]
    assert client.get(reverse("api:benefit-list"), {"person": person_b.pk}).json()["count"] == 1
    bad = client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and bad.context["filter"].errors


def test_the_api_applies_decides_and_ends(client, worker_a, county_officer, civil_affairs, person_a):
    client.force_login(worker_a)
    created = client.post(
        reverse("api:benefit-list"), {"person": person_a.pk, "kind": "minimum_living", "applied_on": days_ago(9)}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["recorded_by"] == "worker_a"
    duplicate = client.post(
        reverse("api:benefit-list"), {"person": person_a.pk, "kind": "minimum_living", "applied_on": days_ago(1)}
    )
    assert duplicate.status_code == 400 and "kind" in duplicate.json()
    decide = reverse("api:benefit-decide", args=[pk])
    assert client.post(decide, {"outcome": "refused", "decided_on": TODAY}).status_code == 403
    patch = client.patch(reverse("api:benefit-detail", args=[pk]), {"application_notes": "x"}, "application/json")
    assert patch.status_code == 403

    client.force_login(county_officer)
    patch = client.patch(
        reverse("api:benefit-detail", args=[pk]), {"applied_on": days_ago(8).isoformat()}, "application/json"
    )
    assert patch.status_code == 200 and patch.json()["applied_on"] == days_ago(8).isoformat()

    client.force_login(civil_affairs)
    assert client.post(reverse("api:benefit-list"), {"person": person_a.pk, "kind": "disability"}).status_code == 403
    refused = client.post(decide, {"outcome": "approved", "decided_on": days_ago(9)})
    assert refused.status_code == 400 and set(refused.json()) == {"decided_on", "amount", "starts_on"}
    approved = client.post(
        decide, {"outcome": "approved", "decided_on": days_ago(2), "amount": "300.50", "starts_on": days_ago(2)}
    )
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["amount"], approved.json()["decided_by"]) == (
        "approved",
        "300.50",
        "civil_affairs",
    )
    ended = client.post(reverse("api:benefit-end", args=[pk]), {"ends_on": TODAY})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert client.delete(reverse("api:benefit-detail", args=[pk])).status_code == 405


def _population(n, townships):
    for township in townships:
        for _ in range(n):
            BenefitFactory(person=PersonFactory(township=township))


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        # session, user, user's region (menu), count, one page of benefits with persons and townships and
        # deciders, session save (savepoint, update, release)
        ("welfare:benefit_list", 8),
        # session, user, count, one page of benefits with applicants and deciders, session save (3)
        ("api:benefit-list", 7),
    ],
)
def test_lists_do_not_grow_with_rows(
    client, civil_affairs, township_a, township_b, name, limit, django_assert_max_num_queries
):
    _population(2, [township_a, township_b])
    client.force_login(civil_affairs)
    with django_assert_max_num_queries(limit):
        small = client.get(reverse(name))
    _population(10, [township_a, township_b])
    with django_assert_max_num_queries(limit):
        large = client.get(reverse(name))
    assert small.status_code == large.status_code == 200
    if name.startswith("api:"):
        assert (small.json()["count"], large.json()["count"]) == (4, 24)
    else:
        assert (len(small.context["object_list"]), len(large.context["object_list"])) == (4, 24)
