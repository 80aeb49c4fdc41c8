"""The stored classes (issue 17): a run for one date stores every person's classes and sums its figures from them;
a drill-down of that date pages those rows instead of classing every person of its region again. A date whose
classes are not kept is classed live, and lists the same persons."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Person
from reporting.indicators import (
    PERSON_CONDITIONS,
    StoredList,
    classes_drop,
    classes_store,
    classes_stored,
    drill_conditions,
    one_reading,
    region_figures,
    stored_counts,
)
from reporting.models import ClassedPerson, IndicatorSnapshot
from reporting.snapshots import snapshots_compute, snapshots_compute_range
from reporting.views.drill_down import DrillDownView

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2014, 6, 30)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--persons", "300", "--seed", "5", stdout=io.StringIO())


def test_the_stored_classes_sum_to_the_figures_computed_live(demo):
    assert classes_store(D(2000, 1, 1)) == region_figures(D(2000, 1, 1))  # no one registered yet: nothing stored
    assert not ClassedPerson.objects.exists()
    for day in (D(2012, 12, 31), DAY, D(2016, 6, 30)):
        assert classes_store(day) == region_figures(day)
        registered = Person.objects.filter(registered_on__lte=day).count()
        assert ClassedPerson.objects.filter(date=day).count() == registered > 0


def test_the_stored_classes_are_written_in_region_order(demo):
    """A region's rows are written together (a drill-down's count of a county reads a few pages, not one per person)."""
    classes_store(DAY)
    rows = list(ClassedPerson.objects.filter(date=DAY).order_by("pk").values_list("township", "person_id"))
    assert len({township for township, _person in rows}) > 1
    assert rows == sorted(rows)


def _listed(client, url: str) -> dict[str, tuple]:
    """Each tab of a drill-down: its count, the sealed persons it leaves out and every person, page by page."""
    first = client.get(url)
    lists = {}
    for key, _label, count in first.context["tabs"]:
        page, pks = client.get(url, {"list": key}), []
        while True:
            pks += [person.pk for person in page.context["persons"]]
            if not page.context["page_obj"].has_next():
                break
            page = client.get(url, {"list": key, "page": page.context["page_obj"].next_page_number()})
        assert len(pks) == count
        lists[key] = (count, page.context["sealed"], pks)
    return lists


def test_a_drill_down_pages_the_stored_rows_and_lists_what_the_live_one_lists(
    demo, client, county_officer, province_officer, township_a, monkeypatch
):
    sealed = Person.objects.filter(township__parent_id="520102", registered_on__lte=DAY).first()
    Person.objects.filter(pk=sealed.pk).update(sealed=True)  # counted, never listed
    snapshots_compute(day=DAY)
    monkeypatch.setattr(DrillDownView, "per_page", 40)
    cases = [(county_officer, code) for code in ("520102", township_a.code)] + [(province_officer, "52")]
    indicators = ("control_rate", "placement_rate_urban", "abstinent_3y", "registered")
    stored = {}
    for user, code in cases:
        client.force_login(user)
        for indicator in indicators:
            snapshot = IndicatorSnapshot.objects.get(date=DAY, region_id=code, indicator=indicator)
            stored[code, indicator] = _listed(client, reverse("reporting:drill_down", args=[snapshot.pk]))
            numerator = stored[code, indicator]["numerator"]
            assert numerator[0] + numerator[1] == snapshot.numerator  # listed and sealed: the figure
            assert sealed.pk not in numerator[2]
    assert stored["520102", "registered"]["numerator"][1] == 1 and len(stored["52", "registered"]["numerator"][2]) > 100
    classes_drop(DAY)
    assert not classes_stored(DAY)
    for user, code in cases:
        client.force_login(user)
        for indicator in indicators:
            snapshot = IndicatorSnapshot.objects.get(date=DAY, region_id=code, indicator=indicator)
            live = _listed(client, reverse("reporting:drill_down", args=[snapshot.pk]))
            assert live == stored[code, indicator], (code, indicator)


def test_the_stored_lists_are_the_figures_own(demo, client, county_officer, township_a, django_assert_max_num_queries):
    snapshots_compute(day=DAY)
    snapshot = IndicatorSnapshot.objects.get(date=DAY, region_id="520102", indicator="control_rate")
    PersonFactory(township=township_a, registered_on=D(2013, 1, 1))  # found back then, recorded after the run
    client.force_login(county_officer)
    url = reverse("reporting:drill_down", args=[snapshot.pk])
    # session, user, region; the snapshot; in one reading (2: its transaction) the classes' date, the counts, a page,
    # its persons; the session's save (3)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    counts = [count for _key, _label, count in response.context["tabs"]]
    assert counts == [snapshot.denominator - snapshot.numerator, snapshot.numerator, snapshot.denominator]
    classes_drop(DAY)  # classed now, the late record counts: the figure would change with the next run
    counts = [count for _key, _label, count in client.get(url).context["tabs"]]
    assert counts == [snapshot.denominator - snapshot.numerator + 1, snapshot.numerator, snapshot.denominator + 1]


def test_the_province_lists_every_stored_row_but_the_sealed_and_a_grant_brings_one_back(
    demo, province_officer, county_officer
):
    """A provincial officer counts every person (``counts_all``): their counts are the figure less the sealed persons
    among its rows, as summing the rows gives, and their lists leave out the join to every person; what they list
    is still ``visible_to``: the sealed persons left out, one under a lawful-query grant shown."""
    from django.utils import timezone

    from cases.models import LawfulQuery
    from reporting.indicators import _summed_counts

    snapshots_compute(day=DAY)
    persons = Person.objects.filter(township__parent_id="520102", registered_on__lte=DAY).order_by("pk")
    granted, sealed = persons[:2]
    Person.objects.filter(pk__in=[granted.pk, sealed.pk]).update(sealed=True)
    LawfulQuery.objects.create(requester=province_officer, region_id="52", person=granted, querying_unit="公安厅",
                               basis="case", purpose="办案", status="approved",
                               expires_at=timezone.now() + dt.timedelta(days=1))  # fmt: skip
    condition = drill_conditions("registered")["numerator"]
    lists = {}
    for viewer in (province_officer, county_officer):
        count, hidden = stored_counts(day=DAY, region_code="520102", indicator="registered", viewer=viewer)["numerator"]
        listed = StoredList(day=DAY, region_code="520102", condition=condition, viewer=viewer, count=count)[0:10_000]
        assert len(listed) == count and count + hidden == persons.count()
        lists[viewer.role] = (set(listed), hidden)
    assert Person.scope.counts_all(province_officer) and not Person.scope.counts_all(county_officer)
    assert lists["province_officer"] == (set(persons.values_list("pk", flat=True)) - {sealed.pk}, 1)
    assert lists["county_officer"] == (lists["province_officer"][0] - {granted.pk}, 2)
    for code in ("52", "5201", "520102", "520102016"):
        for indicator in PERSON_CONDITIONS:
            args = {"day": DAY, "region_code": code, "indicator": indicator, "viewer": province_officer}
            assert stored_counts(**args) == _summed_counts(**args, persons="counted"), (code, indicator)


def test_the_latest_two_dates_are_kept_and_a_range_drops_its_dates(demo):
    days = [D(2013, 12, 31), D(2014, 3, 31), DAY]
    for day in days:
        snapshots_compute(day=day)
    dates = ClassedPerson.objects.values_list("date", flat=True).distinct
    assert set(dates()) == set(days[1:])
    snapshots_compute(day=days[0])  # an older date recomputed: its classes are not kept, its figures are right
    assert set(dates()) == set(days[1:])
    stored = IndicatorSnapshot.objects.filter(date=days[0])
    stored = stored.values_list("region", "indicator", "numerator", "denominator")
    live = region_figures(days[0])
    assert {(region, name): (n, d) for region, name, n, d in stored} == {
        (region, name): figure for region, figures in live.items() for name, figure in figures.items()
    }
    assert live["52"]["registered"][0] > 0
    list(snapshots_compute_range([DAY]))  # the range's figures replace DAY's: its classes go with them
    assert set(dates()) == {days[1]}
    assert IndicatorSnapshot.objects.filter(date=DAY).exists()
    assert set(PERSON_CONDITIONS) <= set(IndicatorSnapshot.objects.filter(date=DAY).values_list("indicator", flat=True))


@pytest.mark.django_db(transaction=True)  # real commits, from two connections
def test_a_drill_downs_reads_see_one_snapshot(person_a):
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("READ COMMITTED against REPEATABLE READ is PostgreSQL's (CI runs it)")
    snapshots_compute(day=DAY)
    other = connections.create_connection("default")  # the nightly run of another date, say, pruning meanwhile
    try:
        with one_reading():
            assert classes_stored(DAY)
            with other.cursor() as cursor:
                cursor.execute("DELETE FROM reporting_classedperson")
            other.commit()
            assert classes_stored(DAY) and ClassedPerson.objects.count() == 1  # what the page began with
        assert not classes_stored(DAY)
    finally:
        other.close()
