"""Dashboards read snapshots only, within the viewer's scope, in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Alert
from reporting.models import IndicatorSnapshot
from reporting.snapshots import month_ends, snapshots_compute

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def population(township_a, township_b, township_c):
    """Township A: two persons, one under a measure; B: one under a measure; C (another county): one."""
    for township, measured in ((township_a, True), (township_a, False), (township_b, True), (township_c, True)):
        person = PersonFactory(township=township, registered_on=D(2010, 1, 1))
        if measured:
            MeasureFactory(person=person)
    Alert.objects.create(person=person, kind="tests_missed", raised_on=D(2012, 1, 1), count=3)  # in C


def board(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200
    return response.context["board"], response


def test_the_county_dashboard_shows_its_figures_against_targets_and_its_townships_ranked(
    client, county_officer, population, township_a, township_b
):
    for day in (D(2012, 11, 30), D(2012, 12, 31)):
        snapshots_compute(day=day)
    dashboard, response = board(client, county_officer)
    assert dashboard.region.code == "520102" and dashboard.as_of == D(2012, 12, 31)
    control = next(tile for tile in dashboard.tiles if tile.code == "control_rate")
    assert (control.snapshot.numerator, control.snapshot.denominator) == (2, 3)
    # the seeded province target applies: a linear milestone between 55% (2011) and 75% (2013)
    assert control.assessment["derived"] and control.assessment["goal"] == pytest.approx(0.55 + 0.2 * 366 / 731)
    assert control.assessment["met"] is True
    ranked = {child["region"].code: child for child in dashboard.children}
    assert ranked[township_b.code]["rank"]["control_rate"] == 1  # 1/1 ahead of A's 1/2
    assert ranked[township_a.code]["rank"]["control_rate"] == 2
    assert [child["region"].code for child in dashboard.children[:2]] == [township_b.code, township_a.code]
    by_count, _response = board(client, county_officer, rank="whereabouts_rate")  # both 100%: a tie, by code
    assert [child["rank"]["whereabouts_rate"] for child in by_count.children[:2]] == [1, 1]
    assert "520103" not in str(ranked) and dashboard.alerts == []  # the other county's alert is not counted
    assert dashboard.trend["dates"] == ["2012-11-30", "2012-12-31"]
    assert dashboard.trend["series"]["control_rate"] == [66.7, 66.7]
    drill = reverse("reporting:drill_down", args=[control.snapshot.pk])
    assert drill.encode() in response.content and b'data-as-of="2012-12-31"' in response.content
    assert dashboard.map_level is None  # townships have no map


def test_the_province_dashboard_maps_prefectures_and_counties(client, province_officer, population):
    snapshots_compute(day=D(2012, 12, 31))
    dashboard, response = board(client, province_officer)
    assert dashboard.map_level == "prefecture"
    assert dashboard.map_data["5201"]["control_rate"] == 75.0 and dashboard.map_data["5201"]["name"] == "贵阳市"
    assert dashboard.map_data["520103"]["control_rate"] == 100.0 and dashboard.map_data["520103"]["level"] == "county"
    assert dashboard.map_data["5203"]["control_rate"] is None  # no persons: no data, not 0%
    assert [alert["count"] for alert in dashboard.alerts] == [1]
    assert b"OpenStreetMap" in response.content and b"geo/guizhou_prefectures.geojson" in response.content


def test_an_office_opens_the_regions_below_it_but_not_beside_or_above(client, county_officer, township_a):
    client.force_login(county_officer)
    url = reverse("reporting:dashboard")
    assert client.get(url, {"region": township_a.code}).status_code == 200
    assert client.get(url, {"region": "520103"}).status_code == 404
    assert client.get(url, {"region": "52"}).status_code == 404


def test_without_snapshots_the_dashboard_says_so(client, prefecture_officer):
    dashboard, response = board(client, prefecture_officer)
    assert dashboard.as_of is None and dashboard.children == []
    assert b'data-as-of=""' in response.content


def test_the_dashboard_costs_the_same_queries_for_two_dates_or_twenty(
    client, province_officer, population, django_assert_max_num_queries
):
    for day in month_ends(D(2012, 11, 1), D(2012, 12, 31)):
        snapshots_compute(day=day)
    client.force_login(province_officer)
    url = reverse("reporting:dashboard")
    # session (read, and saved: idle expiry), user, region; latest date, own figures, targets, children, trend,
    # bases per year, alerts, map; sealed persons per region and the lawful-query banner's grant check (#14)
    with django_assert_max_num_queries(16):
        client.get(url)
    for day in month_ends(D(2011, 1, 1), D(2012, 10, 31)):
        snapshots_compute(day=day)
    assert IndicatorSnapshot.objects.dates("date", "month").count() == 24
    with django_assert_max_num_queries(16):
        assert len(client.get(url).context["board"].trend["dates"]) == 24
