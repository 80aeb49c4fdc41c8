"""A county officer opens the relapse outcomes: curves with bands drawn by the vendored ECharts, the hazard
ratios said to be an association, small groups suppressed, and the workbook downloaded."""

import datetime as dt
import random
from pathlib import Path

import pytest

from cases.models import DrugUseFinding
from outcomes.services import outcomes_compute

from ..factories import PASSWORD, MeasureFactory, PersonFactory
from ..placement.factories import PlacementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _population(townships, n=120, seed=18):
    """Measures started in 2011–2012; half the persons placed a few months in; relapses less likely once placed."""
    rng = random.Random(seed)
    for i in range(n):
        person = PersonFactory(township=townships[i % 2], drug_types="海洛因" if i % 5 else "甲基苯丙胺（冰毒）")
        start = dt.date(2011, 1, 10) + dt.timedelta(days=rng.randrange(700))
        MeasureFactory(person=person, started_on=start, reported_on=start, ordered_on=start - dt.timedelta(days=5))
        placed = start + dt.timedelta(days=rng.randrange(30, 300)) if i % 2 else None
        if placed:
            PlacementFactory(person=person, contract_start=placed, contract_end=placed + dt.timedelta(days=729))
        relapse = start + dt.timedelta(days=int(rng.expovariate(1 / 400)) + 1)
        if placed and relapse > placed:
            relapse = placed + dt.timedelta(days=int(rng.expovariate(1 / 900)) + 1)
        if relapse < dt.date(2013, 12, 31):
            DrugUseFinding.objects.create(person=person, found_on=relapse)


def test_county_officer_reads_the_outcomes(page, live_server, county_officer, township_a, township_b):
    _population([township_a, township_b])
    outcomes_compute(day=dt.date(2013, 12, 31))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav a[href='/outcomes/']")
    page.locator("#chart-overall svg").wait_for()  # ECharts drew the curve, from the vendored file
    page.locator("#chart-placement svg").wait_for()
    assert "这是关联，不是因果证明" in page.locator("#comparison").inner_text()
    assert page.locator("tr[data-ratio=placement] td.num").count() == 2  # value and interval
    assert page.get_by_text("人数过少，不予显示").count() >= 1  # e.g. a cohort or drug group under 10 persons
    page.screenshot(path=str(SCREENSHOTS / "county-outcomes.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=导出Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []
