"""Forms that think with the worker (issue 15, item 4): the dates of a registration, the ID search by any
trailing fragment, the duplicate ID number, and the positive urine test that records the drug-use finding."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import DrugUseFinding, Person, UrineTest
from cases.pathway import Stage, pathway_stage
from cases.services import person_register, urine_test_record

from ..factories import MeasureFactory, PersonFactory, make_id_number

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
BORN = dt.date(1988, 5, 20)


def _new(township, **fields):
    return Person(
        id_number=make_id_number(11, born=BORN),
        name="王小二",
        township=township,
        registered_on=fields.pop("registered_on", dt.date(2011, 6, 1)),
        **fields,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"registered_on": TODAY + dt.timedelta(days=1)}, "registered_on", "该日期不能晚于今天。"),
        ({"registered_on": dt.date(1987, 1, 1)}, "registered_on", "该日期早于该人员的出生日期。"),
        ({"first_use_on": TODAY + dt.timedelta(days=1)}, "first_use_on", "该日期不能晚于今天。"),
        ({"first_use_on": dt.date(1970, 1, 1)}, "first_use_on", "该日期早于该人员的出生日期。"),
        ({"first_use_on": dt.date(2012, 1, 1)}, "first_use_on", "初次吸毒日期不能晚于查获日期。"),
    ],
    ids=["found-future", "found-before-birth", "first-use-future", "first-use-before-birth", "first-use-after-found"],
)
def test_it_refuses_impossible_registration_dates_on_their_field(client, worker_a, township_a, fields, field, message):
    with pytest.raises(ValidationError) as error:
        person_register(user=worker_a, person=_new(township_a, **fields))
    assert list(error.value.message_dict) == [field]
    # the same rule on the page, in Chinese, and nothing saved
    client.force_login(worker_a)
    data = {"id_number": make_id_number(11, born=BORN), "name": "王小二", "township": township_a.code}
    data["registered_on"] = f"{fields.get('registered_on', dt.date(2011, 6, 1)):%Y-%m-%d}"
    if "first_use_on" in fields:
        data["first_use_on"] = f"{fields['first_use_on']:%Y-%m-%d}"
    response = client.post(reverse("cases:person_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Person.objects.exists()


def test_it_accepts_first_use_between_birth_and_the_date_found(worker_a, township_a):
    person = person_register(user=worker_a, person=_new(township_a, first_use_on=dt.date(2009, 3, 1)))
    assert person.first_use_on == dt.date(2009, 3, 1)


def _id_ending_in_x() -> str:
    return next(number for n in range(1000) if (number := make_id_number(n)).endswith("X"))


@pytest.mark.parametrize("fragment", ["LAST4", "last4", "LAST3", "LAST1", "MASKED"])
def test_it_finds_a_person_by_any_trailing_fragment_of_the_id_number(client, worker_a, township_a, fragment):
    person = PersonFactory(id_number=_id_ending_in_x(), township=township_a)
    PersonFactory(township=township_a, id_number=make_id_number(2, born=dt.date(1990, 1, 1)))  # ends otherwise
    query = {
        "LAST4": person.id_number[-4:],
        "last4": person.id_number[-4:].lower(),
        "LAST3": person.id_number[-3:],
        "LAST1": "x",
        "MASKED": person.masked_id,
    }[fragment]
    if fragment == "LAST1":
        query = person.id_number[-2:].lower()  # "5x": one digit and the check character
    client.force_login(worker_a)
    found = list(client.get(reverse("cases:person_list"), {"q": query}).context["object_list"])
    assert found == [person]


def test_a_duplicate_on_the_page_links_to_the_file_the_user_may_see(client, worker_a, township_a, person_a):
    client.force_login(worker_a)
    data = {"id_number": person_a.id_number, "name": "另一人", "township": township_a.code}
    response = client.post(reverse("cases:person_create"), {**data, "registered_on": "2011-06-01"})
    body = response.content.decode()
    assert f'<a href="{person_a.get_absolute_url()}">{person_a.name}</a>' in body  # a real link, not escaped
    assert Person.objects.count() == 1


def test_a_duplicate_held_elsewhere_sends_the_user_to_the_county_office(client, worker_a, township_a, person_z):
    client.force_login(worker_a)
    data = {"id_number": person_z.id_number, "name": "另一人", "township": township_a.code}
    response = client.post(
        reverse("cases:person_create"), {**data, "registered_on": "2011-06-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    body = response.content.decode()
    assert "请联系县禁毒办" in body
    assert person_z.name not in body and person_z.get_absolute_url() not in body
    assert Person.objects.count() == 1


def test_a_positive_test_needs_its_substance(client, police_a, person_a):
    with pytest.raises(ValidationError) as error:
        urine_test_record(
            user=police_a, test=UrineTest(person=person_a, tested_on=TODAY, result="positive"), record_finding=True
        )
    assert list(error.value.message_dict) == ["substance"]
    client.force_login(police_a)
    url = reverse("cases:record_create", args=[person_a.pk, "urine-test"])
    response = client.post(
        url, {"tested_on": f"{TODAY:%Y-%m-%d}", "kind": "scheduled", "result": "positive", "record_finding": "on"}
    )
    assert response.context["form"].errors["substance"] == ["阳性结果须填写检出的毒品。"]
    api = client.post(reverse("api:urine-test-list"), {"person": person_a.pk, "tested_on": TODAY, "result": "positive"})
    assert api.status_code == 400 and "substance" in api.json()
    assert not UrineTest.objects.exists() and not DrugUseFinding.objects.exists()


def test_police_record_a_positive_test_and_its_finding_in_one_step(client, police_a, person_a):
    MeasureFactory(person=person_a)  # community detox since 2011: the person is at rehabilitation
    assert pathway_stage(person_a.pk) == Stage.REHAB
    client.force_login(police_a)
    url = reverse("cases:record_create", args=[person_a.pk, "urine-test"])
    data = {"tested_on": f"{TODAY:%Y-%m-%d}", "kind": "surprise", "result": "positive", "substance": "海洛因"}
    response = client.post(url, {**data, "record_finding": "on"})
    assert response.status_code == 302
    finding = DrugUseFinding.objects.get()
    assert (finding.person, finding.found_on, finding.source, finding.recorded_by) == (
        person_a,
        TODAY,
        "urine_test",
        police_a,
    )
    assert "海洛因" in finding.details
    # the same test entered again the same day adds a test but not a second finding
    client.post(url, {**data, "record_finding": "on"})
    assert UrineTest.objects.count() == 2 and DrugUseFinding.objects.count() == 1
    # the finding is on the person's timeline, and the relapse takes the person back to detox
    page = client.get(person_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "复吸" in page.content.decode() and page.context["stage"] == Stage.DETOX


def test_police_may_decline_to_record_the_finding(client, police_a, person_a):
    client.force_login(police_a)
    url = reverse("cases:record_create", args=[person_a.pk, "urine-test"])
    client.post(url, {"tested_on": f"{TODAY:%Y-%m-%d}", "kind": "scheduled", "result": "positive", "substance": "冰毒"})
    assert UrineTest.objects.count() == 1 and not DrugUseFinding.objects.exists()


def test_a_workers_positive_test_says_who_records_the_finding(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:record_create", args=[person_a.pk, "urine-test"])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "record_finding" not in form.context["form"].fields
    assert "社区民警" in form.content.decode()
    data = {"tested_on": f"{TODAY:%Y-%m-%d}", "kind": "scheduled", "result": "positive", "substance": "冰毒"}
    response = client.post(url, {**data, "record_finding": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert UrineTest.objects.get().substance == "冰毒" and not DrugUseFinding.objects.exists()
    assert "社区民警" in response.content.decode()


def test_a_negative_test_keeps_no_substance(police_a, person_a):
    test = UrineTest(person=person_a, tested_on=TODAY, result="negative", substance="冰毒")
    assert urine_test_record(user=police_a, test=test, record_finding=True) is None
    assert UrineTest.objects.get().substance == "" and not DrugUseFinding.objects.exists()
