"""Statistics are unchanged by sealing (issue #14, DESIGN §3b): a count discloses no one. Drill-down lists leave the
sealed persons out and say how many; dashboards show how many are sealed per region."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Person
from reporting.indicators import PERSON_CONDITIONS, abstinent_clocks, drill_down, drill_down_sealed
from reporting.models import IndicatorSnapshot
from reporting.services import seal_records
from reporting.snapshots import snapshots_compute
from sunshine.choices import Level
from sunshine.regions import RegionCode

pytestmark = pytest.mark.django_db
DAYS = (dt.date(2013, 12, 31), dt.date(2024, 6, 30))
SEALED_ON = dt.date(2024, 7, 1)


def _rows(day):
    return sorted(IndicatorSnapshot.objects.filter(date=day).values_list("id", "region_id", "indicator", "numerator",
                                                                          "denominator"))  # fmt: skip


@pytest.fixture
def sealed_demo(db):
    """The demo population, with its snapshots of DAYS taken before the nightly pass sealed the abstinent."""
    call_command("seed_demo", "--persons", "300", "--seed", "5", "--today", "2024-12-31", stdout=io.StringIO())
    before = {}
    for day in DAYS:
        snapshots_compute(day=day)
        before[day] = _rows(day)
    sealed, _unsealed = seal_records(day=SEALED_ON)
    assert sealed == Person.objects.filter(sealed=True).count() > 10
    return before


def test_every_snapshot_row_is_identical_before_and_after_sealing(sealed_demo):
    for day, rows in sealed_demo.items():
        snapshots_compute(day=day)
        assert _rows(day) == rows
    # the pass sealed exactly the persons the figure counts as abstinent three years that day
    assert set(abstinent_clocks(SEALED_ON)) == set(Person.objects.filter(sealed=True).values_list("pk", flat=True))


def test_drill_downs_leave_sealed_persons_out_and_count_them(sealed_demo, client, county_officer):
    day = DAYS[1]
    for code in ("52", "520102"):
        for indicator in PERSON_CONDITIONS:
            snapshot = IndicatorSnapshot.objects.get(date=day, region_id=code, indicator=indicator)
            listed = drill_down(day=day, region_code=code, indicator=indicator, viewer=county_officer)
            hidden = drill_down_sealed(day=day, region_code=code, indicator=indicator, viewer=county_officer)
            if code == "520102":  # the officer's whole region: listed + sealed = the figure
                assert len(listed[0]) + hidden[0] == snapshot.numerator, indicator
            assert not Person.objects.filter(pk__in=listed[0], sealed=True).exists()
    snapshot = IndicatorSnapshot.objects.get(date=day, region_id="520102", indicator="abstinent_3y")
    sealed_here = Person.objects.filter(sealed=True, township__parent_id="520102").count()
    assert snapshot.numerator > 0 and sealed_here > 0
    client.force_login(county_officer)
    response = client.get(reverse("reporting:drill_down", args=[snapshot.pk]))
    body = response.content.decode()
    [(_key, _label, count)], hidden = response.context["tabs"], response.context["sealed"]
    assert count + hidden == snapshot.numerator and hidden > 0
    assert f"另有 {hidden} 名已封存人员" in body
    for person in Person.objects.filter(sealed=True, township__parent_id="520102"):
        assert person.name not in body and person.masked_id not in body


def test_the_dashboard_shows_sealed_counts_per_region(sealed_demo, client, prefecture_officer):
    client.force_login(prefecture_officer)
    response = client.get(reverse("reporting:dashboard"))
    sealed = response.context["board"].sealed
    assert sealed["5201"] == Person.objects.within("5201").filter(sealed=True).count() > 0
    for code, count in sealed.items():
        if RegionCode(code).level == Level.COUNTY:
            assert count == Person.objects.filter(sealed=True, township__parent_id=code).count()
    assert f"data-sealed>{sealed['5201']}<" in response.content.decode()
