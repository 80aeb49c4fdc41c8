"""Sealed records (issue #14, DESIGN §3b): when a file is sealed and unsealed, and that a sealed person is absent
everywhere — lists, search, the file, records, registration and the roster import — for every role."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from cases.models import DrugUseFinding, Measure, Person, Sealing, UrineTest, Visit
from cases.roster.services import roster_import
from cases.services import person_register, person_seal, sealed_case_record
from reporting.services import seal_records
from sunshine.models import AuditEntry

from ..factories import MeasureFactory, PersonFactory, make_id_number, seal
from .test_roster import workbook

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def abstinent(township_a):
    """Found 2015-06-10, nothing since: abstinent three years from 2018-06-10 (DESIGN §4)."""
    return PersonFactory(name="己某", township=township_a, registered_on=D(2015, 6, 10))


def test_it_seals_on_exactly_the_first_abstinent_three_years_day(abstinent):
    assert seal_records(day=D(2018, 6, 9)) == (0, 0)
    abstinent.refresh_from_db()
    assert not abstinent.sealed
    assert seal_records(day=D(2018, 6, 10)) == (1, 0)
    abstinent.refresh_from_db()
    sealing = Sealing.objects.get(person=abstinent)
    assert abstinent.sealed
    assert (sealing.sealed_on, sealing.cause, sealing.unsealed_on) == (D(2018, 6, 10), "abstinent_3y", None)
    assert seal_records(day=D(2018, 6, 11)) == (0, 0)  # idempotent: sealed once
    assert AuditEntry.objects.filter(content_type__model="sealing", object_id=sealing.pk, event="create").exists()


def test_the_clock_restarts_with_a_positive_test_and_an_active_measure_holds_the_seal_off(abstinent, township_a):
    UrineTest.objects.create(person=abstinent, tested_on=D(2016, 1, 5), result="positive")
    held = PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    MeasureFactory(person=held, kind="methadone", ordered_on=None, reported_on=None, started_on=D(2012, 1, 1))
    assert seal_records(day=D(2019, 1, 4)) == (0, 0)
    assert seal_records(day=D(2019, 1, 5)) == (1, 0)
    assert list(Person.objects.filter(sealed=True)) == [abstinent]


def test_the_command_prints_the_counts(abstinent):
    out = io.StringIO()
    call_command("seal_records", "--date", "2018-06-10", stdout=out)
    assert out.getvalue().strip() == "2018-06-10: sealed 1, unsealed 0"
    out = io.StringIO()
    call_command("seal_records", "--date", "2018-06-10", stdout=out)
    assert out.getvalue().strip() == "2018-06-10: sealed 0, unsealed 0"


def test_the_nightly_task_runs_the_same_pass(abstinent):
    from reporting.tasks import seal_records_task

    assert seal_records_task.delay("2018-06-10").get() == [1, 0]
    abstinent.refresh_from_db()
    assert abstinent.sealed


# A new case unseals ----------------------------------------------------------------------------------------------


@pytest.fixture
def sealed(abstinent):
    seal_records(day=D(2018, 6, 10))
    abstinent.refresh_from_db()
    return abstinent


def _case(user, person, event, **fields):
    records = {
        "finding": DrugUseFinding(found_on=D(2024, 3, 1), details="派出所查获"),
        "positive_test": UrineTest(tested_on=D(2024, 3, 1), result="positive", kind="surprise", substance="冰毒"),
        "measure_order": Measure(kind="community_detox", ordered_on=D(2024, 3, 1), order_number="南公戒〔2024〕1号"),
    }
    record = records[event]
    for name, value in fields.items():
        setattr(record, name, value)
    return sealed_case_record(user=user, id_number=person.id_number, event=event, record=record, reason="新案件")


@pytest.mark.parametrize(
    ("who", "event", "model"),
    [("police_a", "finding", DrugUseFinding), ("worker_a", "positive_test", UrineTest),
     ("county_officer", "measure_order", Measure)],
)  # fmt: skip
def test_each_new_case_unseals_with_who_and_why(request, sealed, who, event, model):
    user = request.getfixturevalue(who)
    assert not Person.objects.visible_to(user).filter(pk=sealed.pk).exists()
    _case(user, sealed, event)
    sealed.refresh_from_db()
    sealing = Sealing.objects.get(person=sealed)
    assert not sealed.sealed
    assert (sealing.unsealed_on, sealing.unseal_cause, sealing.unsealed_by, sealing.unseal_reason) == (
        D(2024, 3, 1), event, user, "新案件"
    )  # fmt: skip
    assert model.objects.filter(person=sealed).count() == 1
    assert Person.objects.visible_to(user).filter(pk=sealed.pk).exists()
    assert seal_records(day=D(2024, 3, 2)) == (0, 0)  # not sealed again the next night
    assert not Person.objects.get(pk=sealed.pk).sealed


def test_a_refused_record_leaves_the_file_sealed(sealed, police_a, county_officer, worker_a):
    with pytest.raises(ValidationError) as error:
        _case(police_a, sealed, "finding", found_on=dt.date.today() + dt.timedelta(days=3))
    assert "found_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _case(county_officer, sealed, "measure_order", kind="community_rehab")  # CR needs a preceding CIDT
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        _case(worker_a, sealed, "positive_test", result="negative")
    with pytest.raises(PermissionDenied):
        _case(worker_a, sealed, "finding")  # findings are the police's and the county office's
    sealed.refresh_from_db()
    assert sealed.sealed and not DrugUseFinding.objects.exists() and not Measure.objects.exists()
    assert Sealing.objects.get(person=sealed).unsealed_on is None


def test_a_new_case_outside_the_region_finds_nothing(sealed, other_county_officer):
    with pytest.raises(ValidationError) as error:
        _case(other_county_officer, sealed, "finding")
    assert error.value.message_dict == {"id_number": ["本辖区没有该身份证号的封存记录。"]}


def test_the_new_case_page_reopens_the_file(client, sealed, police_a):
    client.force_login(police_a)
    url = reverse("cases:sealed_case")
    response = client.post(url, {"id_number": sealed.id_number, "event": "finding", "occurred_on": "2024-03-01",
                                 "reason": "派出所查获"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == sealed.get_absolute_url()
    assert DrugUseFinding.objects.get(person=sealed).found_on == D(2024, 3, 1)
    response = client.post(url, {"id_number": sealed.id_number, "event": "finding", "occurred_on": "2024-03-01",
                                 "reason": "再次"})  # fmt: skip
    assert "本辖区没有该身份证号的封存记录。" in response.content.decode()


# A county officer's decision ------------------------------------------------------------------------------------


def test_a_county_officer_seals_a_person_without_active_measure(county_officer, person_a):
    sealing = person_seal(user=county_officer, person=person_a, reason="本人申请，已戒断", today=D(2024, 1, 1))
    assert (sealing.cause, sealing.sealed_by, sealing.reason) == ("decision", county_officer, "本人申请，已戒断")
    assert Person.objects.get(pk=person_a.pk).sealed


def test_a_county_officers_seal_is_refused_while_a_measure_is_active(county_officer, person_a, client):
    MeasureFactory(person=person_a)  # community detox from 2011-03-10, open
    with pytest.raises(ValidationError) as error:
        person_seal(user=county_officer, person=person_a, reason="x")
    assert error.value.message_dict == {"reason": ["措施正在执行，不能封存：无在执行措施的人员才能封存。"]}
    client.force_login(county_officer)
    response = client.post(reverse("cases:person_seal", args=[person_a.pk]), {"reason": "x"})
    assert response.status_code == 200 and "措施正在执行" in response.content.decode()
    assert not Person.objects.get(pk=person_a.pk).sealed and not Sealing.objects.exists()
    with pytest.raises(ValidationError) as error:
        person_seal(user=county_officer, person=person_a, reason=" ")
    assert "reason" in error.value.message_dict


def test_only_the_county_office_seals(worker_a, person_a, province_officer):
    for user in (worker_a, province_officer):
        with pytest.raises(PermissionDenied):
            person_seal(user=user, person=person_a, reason="x")


# Absent everywhere ----------------------------------------------------------------------------------------------


def test_a_sealed_person_and_their_records_vanish_for_every_role(cast, person_s):
    Visit.objects.create(person=person_s, visited_on=D(2012, 1, 1), kind="home")
    for user in cast.values():
        assert not Person.objects.visible_to(user).filter(pk=person_s.pk).exists()
        assert not Person.objects.editable_by(user).filter(pk=person_s.pk).exists()
        assert not Visit.objects.visible_to(user).filter(person=person_s).exists()
    # ...but they are still counted (a count discloses no one)
    assert Person.objects.counted_by(cast["county_officer"]).filter(pk=person_s.pk).exists()
    assert list(Person.objects.sealed_from(cast["county_officer"])) == [person_s]
    assert not Person.objects.sealed_from(cast["other_county_officer"]).exists()


def test_search_and_lists_do_not_find_a_sealed_person(client, worker_a, person_a, person_s):
    client.force_login(worker_a)
    for query in ("", person_s.name, person_s.id_number[-6:], person_s.name_initials):
        body = client.get(reverse("cases:person_list"), {"q": query}).content.decode()
        assert person_s.get_absolute_url() not in body and person_s.masked_id not in body  # (the query is echoed)
        assert (person_a.get_absolute_url() in body) == (query == "")
    assert client.get(reverse("cases:person_detail", args=[person_s.pk])).status_code == 404
    assert client.get(reverse("api:person-detail", args=[person_s.pk])).status_code == 404


def test_registering_a_sealed_id_finds_the_file_without_showing_it(worker_a, worker_b, person_s, township_a):
    mine = str(_register_error(worker_a, person_s, township_a))
    assert "该人员记录已依法封存" in mine and reverse("cases:sealed_case") in mine and person_s.name not in mine
    elsewhere = str(_register_error(worker_b, person_s, township_a))  # township B does not hold the person
    assert "封存" not in elsewhere and person_s.name not in elsewhere and "县禁毒办" in elsewhere


def _register_error(user, sealed_person, township):
    person = Person(id_number=sealed_person.id_number, name="某某", township=township, registered_on=D(2024, 1, 1))
    try:
        person_register(user=user, person=person)
    except ValidationError as error:
        return error.message_dict["id_number"]
    raise AssertionError("registered twice")


def test_the_roster_import_refuses_a_sealed_persons_rows_and_writes_nothing(county_officer, person_s, township_a):
    before = (Person.objects.count(), UrineTest.objects.count(), AuditEntry.objects.count())
    sheets = {
        "人员": [[person_s.id_number, "新名字", township_a.code, D(2010, 5, 1), None, None, None, None, None],
                 [make_id_number(77, born=D(1990, 1, 1)), "张三", township_a.code, D(2010, 5, 1), None, None, None,
                  None, None]],
        "尿检": [[person_s.id_number, D(2012, 5, 5), "阴性"]],
    }  # fmt: skip
    report = roster_import(user=county_officer, content=workbook(sheets), file_name="r.xlsx", dry_run=False)
    refused = [(e.sheet, e.row, e.message) for e in report.errors if e.code == "sealed"]
    assert refused == [("人员", 2, "该人员记录已依法封存，需依法查询"), ("尿检", 2, "该人员记录已依法封存，需依法查询")]
    assert all(person_s.name not in e.message and person_s.id_number not in e.message for e in report.errors)
    assert (Person.objects.count(), UrineTest.objects.count(), AuditEntry.objects.count()) == before
    person_s.refresh_from_db()
    assert person_s.name == "戊某"


def test_the_audit_log_keeps_a_sealed_persons_entries_without_name_or_id(client, county_officer, person_a):
    client.force_login(county_officer)
    client.get(reverse("cases:person_detail", args=[person_a.pk]))  # a file view, logged against the person
    seal(person_a)
    body = client.get(reverse("audit_log")).content.decode()
    assert "已封存人员" in body and person_a.name not in body and person_a.masked_id not in body
    found = client.get(reverse("audit_log"), {"q": person_a.name}).context["object_list"]
    assert list(found) == []  # nor found by their name
    assert AuditEntry.objects.filter(object_id=person_a.pk, event="view").exists()
