"""Outcomes from the records: the spells' rules, the nightly computation and its command, and what officers get
on the page, the API and the export (the small-group rule on all three)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import DrugUseFinding, StatusEvent, UrineTest
from outcomes.models import OutcomeReport
from outcomes.services import outcomes_compute
from outcomes.spells import drug_group, read_spells
from sunshine.models import AuditEntry, Region

from ..factories import MeasureFactory, PersonFactory
from ..placement.factories import PlacementFactory
from ..training.factories import EnrolmentFactory

DAY = dt.date(2013, 1, 1)
START = dt.date(2011, 3, 10)
TOO_FEW = "人数过少，不予显示"

pytestmark = pytest.mark.django_db


def _days(day: dt.date) -> int:
    return (day - START).days


@pytest.fixture
def records(township_a, township_c):
    """Twelve persons in county A (eight take heroin, four methamphetamine), three in county C."""
    persons = [PersonFactory(township=township_a, drug_types="海洛因") for _ in range(8)]
    persons += [PersonFactory(township=township_a, drug_types="甲基苯丙胺（冰毒）") for _ in range(4)]
    persons += [PersonFactory(township=township_c, drug_types="海洛因") for _ in range(3)]
    for person in persons:
        MeasureFactory(person=person, started_on=START)
    return persons


def _spell(spells, person):
    return spells[spells["person"] == person.pk].iloc[0]


def test_it_builds_each_spell_by_the_rules(records):
    relapsed, died, escalated, lost, placed, isolated = records[:6]
    # A positive test on the start day is not a relapse after the start; the finding later is.
    UrineTest.objects.create(person=relapsed, tested_on=START, result="positive")
    DrugUseFinding.objects.create(person=relapsed, found_on=dt.date(2011, 6, 1))
    # Death censors; a finding after it does not count.
    StatusEvent.objects.create(person=died, kind="deceased", occurred_on=dt.date(2011, 5, 1))
    DrugUseFinding.objects.create(person=died, found_on=dt.date(2011, 7, 1))
    # Escalated on the day drug use was found: the relapse counts on the censoring day.
    measure = escalated.measures.get()
    measure.ended_on, measure.end_reason = dt.date(2012, 1, 1), "escalated"
    measure.save()
    UrineTest.objects.create(person=escalated, tested_on=dt.date(2012, 1, 1), result="positive")
    StatusEvent.objects.create(person=lost, kind="lost", occurred_on=dt.date(2011, 4, 1))
    PlacementFactory(person=placed, contract_start=dt.date(2011, 5, 1), contract_end=dt.date(2012, 4, 30))
    EnrolmentFactory(person=placed, completed=True, completed_on=dt.date(2011, 4, 10))
    MeasureFactory(person=isolated, kind="compulsory_isolation", started_on=dt.date(2009, 1, 1),
                   ended_on=dt.date(2011, 1, 1), reported_on=None)  # fmt: skip

    spells = read_spells(DAY)

    assert len(spells) == 15
    assert _spell(spells, relapsed)[["duration", "event"]].tolist() == [_days(dt.date(2011, 6, 1)), 1]
    assert _spell(spells, died)[["duration", "event"]].tolist() == [_days(dt.date(2011, 5, 1)), 0]
    assert _spell(spells, escalated)[["duration", "event"]].tolist() == [_days(dt.date(2012, 1, 1)), 1]
    assert _spell(spells, lost)[["duration", "event"]].tolist() == [_days(dt.date(2011, 4, 1)), 0]
    followed = _spell(spells, placed)
    assert followed[["duration", "event", "placed_day", "trained_day"]].tolist() == [
        _days(DAY),
        0,
        _days(dt.date(2011, 5, 1)),
        _days(dt.date(2011, 4, 10)),
    ]
    assert _spell(spells, isolated)["prior_isolation"] == 1 and followed["prior_isolation"] == 0
    assert followed["cohort"] == 2011 and followed["drug"] == "heroin" and followed["male"] in (0, 1)
    assert _spell(spells, records[9])["drug"] == "methamphetamine"


def test_drug_groups():
    assert drug_group("海洛因、甲基苯丙胺（冰毒）") == "heroin"
    assert drug_group("甲基苯丙胺（冰毒）") == "methamphetamine"
    assert drug_group("氯胺酮（K粉）") == "other"
    assert drug_group("") == "other"


@pytest.fixture
def computed(records):
    for n, person in enumerate(records):
        if n % 2:
            DrugUseFinding.objects.create(person=person, found_on=START + dt.timedelta(days=40 * n))
    return outcomes_compute(day=DAY)


def test_the_computation_stores_every_county_and_above_and_is_idempotent(computed):
    regions = Region.objects.filter(level__in=["province", "prefecture", "county"]).count()
    assert computed == regions == OutcomeReport.objects.filter(date=DAY).count()
    first = {report.region_id: report.data for report in OutcomeReport.objects.all()}
    assert outcomes_compute(day=DAY) == regions
    assert {report.region_id: report.data for report in OutcomeReport.objects.all()} == first
    county = first["520102"]
    assert county["suppressed"] is False and county["persons"] == 12 and county["relapses"] == 6
    assert first["520103"] == {**first["520103"], "suppressed": True} and "km" not in first["520103"]
    assert first["5201"]["persons"] == 15
    drugs = {group["key"]: group for group in first["520102"]["groups"] if group["dimension"] == "drug"}
    assert drugs["methamphetamine"] == {"dimension": "drug", "key": "methamphetamine", "suppressed": True}
    assert drugs["heroin"] == {**drugs["heroin"], "suppressed": True}  # 8 persons
    assert first["52"]["persons"] == 15


def test_show_outcomes_prints_the_design_shape(computed):
    out = io.StringIO()
    call_command("show_outcomes", "--region", "520102", "--json", stdout=out)
    shown = json.loads(out.getvalue())
    assert set(shown) == {"km", "hazard_ratio", "suppressed"}
    assert shown["suppressed"] is False
    assert set(shown["hazard_ratio"]) == {"placement", "training"}
    assert shown["km"][0] == {"month": 0, "at_risk": 12, "survival": 1.0, "lower": 1.0, "upper": 1.0}
    assert all(set(point) == {"month", "at_risk", "survival", "lower", "upper"} for point in shown["km"])
    assert all(point["at_risk"] >= 10 for point in shown["km"])
    out = io.StringIO()
    call_command("show_outcomes", "--region", "520102", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "520102 as of 2013-01-01" and lines[2].split()[:3] == ["0", "12", "1.000"]
    assert lines[-2].startswith("hazard ratio, placement: ") and lines[-1].startswith("hazard ratio, training: ")
    out = io.StringIO()
    call_command("show_outcomes", "--region", "520103", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"km": [], "hazard_ratio": {"placement": None, "training": None},
                                          "suppressed": True}  # fmt: skip


def test_the_ratios_keep_their_order_whatever_order_the_stored_keys_come_in():
    """PostgreSQL's jsonb gives a dict's keys back shortest first ("training" before "placement"): the page, the
    workbook and the command show placement first on either engine."""
    stored = {"training": None, "placement": {"value": 0.5, "lower": 0.3, "upper": 0.8}}
    report = OutcomeReport(data={"hazard_ratio": stored, "suppressed": False})
    assert list(report.summary()["hazard_ratio"].items()) == [("placement", stored["placement"]), ("training", None)]


def test_compute_outcomes_command(records):
    out = io.StringIO()
    call_command("compute_outcomes", "--date", "2013-01-01", stdout=out)
    assert out.getvalue().startswith("2013-01-01: 98 regions")
    assert OutcomeReport.objects.filter(date=DAY, region_id="52").exists()


def _sign_in(client, user):
    client.force_login(user)


def test_the_page_shows_the_county_and_suppresses_small_groups(client, computed, county_officer,
                                                               django_assert_max_num_queries):  # fmt: skip
    _sign_in(client, county_officer)
    # session read, user, region, report, regions below, the lawful-query banner's grant check; the session saved
    # (savepoint, update, release)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("outcomes:outcomes"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "南明区" in page and "outcomes-data" in page
    assert TOO_FEW in page  # the heroin and methamphetamine groups (8 and 4 persons)
    assert "不是因果证明" in page or "关联" in page
    data = response.context["charts"]["charts"]
    assert len(data["overall"]) == 1 and data["overall"][0]["points"][0]["at_risk"] == 12
    # Out of reach and a township: 404.
    assert client.get(reverse("outcomes:outcomes"), {"region": "520103"}).status_code == 404
    assert client.get(reverse("outcomes:outcomes"), {"region": county_officer.region_id + "001"}).status_code == 404


def test_a_suppressed_region_shows_no_figure(client, computed, other_county_officer):
    _sign_in(client, other_county_officer)
    response = client.get(reverse("outcomes:outcomes"))
    page = response.content.decode()
    assert TOO_FEW in page
    assert response.context["charts"]["charts"] == {"overall": [], "placement": [], "training": [], "cohort": []}
    assert not any(row.get("persons") for row in response.context["rows"])


def test_the_api_gives_the_same_figures_and_suppresses_small_groups(client, computed, prefecture_officer,
                                                                    django_assert_max_num_queries):  # fmt: skip
    _sign_in(client, prefecture_officer)
    # session read, user, count, the page of reports; the session saved (savepoint, update, release)
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/outcomes/", {"date": "2013-01-01"})
    reports = {row["region"]: row for row in response.json()["results"]}
    assert set(reports) == {"5201", *(code for code in reports if code.startswith("5201"))}
    assert "52" not in reports and "520302" not in reports
    assert reports["520103"] == {**reports["520103"], "suppressed": True, "km": [],
                                 "hazard_ratio": {"placement": None, "training": None}}  # fmt: skip
    county = reports["520102"]
    stored = OutcomeReport.objects.get(region_id="520102").summary()
    assert county["km"] == stored["km"] and county["hazard_ratio"] == stored["hazard_ratio"]
    meth = [g for g in county["groups"] if g["key"] == "methamphetamine"]
    assert meth == [{"dimension": "drug", "key": "methamphetamine", "suppressed": True}]


def test_the_export_suppresses_small_groups_and_is_audited(client, computed, county_officer):
    _sign_in(client, county_officer)
    response = client.get(reverse("outcomes:export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    meth = next(row for row in summary if row[1] == "甲基苯丙胺（冰毒）")
    assert [cell for cell in meth[2:] if cell is not None] == [TOO_FEW]
    everyone = next(row for row in summary if row[1] == "全部措施")
    assert everyone[2:4] == (12, 6)
    curves = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert any(row[1] == "全部措施" and row[2] == 0 and row[3] == 12 for row in curves)
    assert all(row[3] is None or row[3] >= 10 for row in curves[1:] if row[2] != TOO_FEW)
    assert AuditEntry.objects.filter(event="export", additional_data__export="outcomes").count() == 1
    client.logout()
    assert client.get(reverse("outcomes:export"), {"region": "520103"}).status_code == 302  # signed out
    _sign_in(client, county_officer)
    assert client.get(reverse("outcomes:export"), {"region": "520103"}).status_code == 404


def test_the_export_of_a_region_without_outcomes_is_the_page_saying_so(client, county_officer):
    _sign_in(client, county_officer)
    response = client.get(reverse("outcomes:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "本地区尚未计算结局分析" in response.content.decode()
    assert not AuditEntry.objects.filter(event="export").exists()


def test_the_nightly_task_is_scheduled_and_stores_the_reports(records):
    from outcomes.tasks import compute_outcomes
    from sunshine.celery import app

    assert app.conf.beat_schedule["outcomes"]["task"] == "outcomes.tasks.compute_outcomes"
    assert compute_outcomes.delay("2013-01-01").get() == 98
    assert OutcomeReport.objects.get(date=DAY, region_id="520102").data["persons"] == 12


def test_sealed_persons_are_counted_never_shown(records, province_officer):
    from cases.models import Person

    sealed = [person.pk for person in records[:3]]
    Person.objects.filter(pk__in=sealed).update(sealed=True)  # as the nightly sealing pass leaves them
    assert Person.objects.visible_to(province_officer).filter(pk__in=sealed).count() == 0
    outcomes_compute(day=DAY)
    assert OutcomeReport.objects.get(date=DAY, region_id="520102").data["persons"] == 12
    assert OutcomeReport.objects.get(date=DAY, region_id="52").data["persons"] == 15
