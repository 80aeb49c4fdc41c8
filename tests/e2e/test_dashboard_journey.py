"""A county officer opens the dashboard, follows a township's figure and reaches the persons behind it."""

import datetime as dt
from pathlib import Path

import pytest

from reporting.snapshots import snapshots_compute

from ..factories import PASSWORD, MeasureFactory, PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_county_officer_dashboard_to_a_townships_drill_down(page, live_server, county_officer, township_a, township_b):
    measured = PersonFactory(township=township_a, registered_on=dt.date(2010, 1, 1), name="张阳光")
    MeasureFactory(person=measured)
    PersonFactory(township=township_a, registered_on=dt.date(2010, 1, 1), name="李明")
    MeasureFactory(person=PersonFactory(township=township_b, registered_on=dt.date(2010, 1, 1)))
    for day in (dt.date(2012, 10, 31), dt.date(2012, 11, 30), dt.date(2012, 12, 31)):
        snapshots_compute(day=day)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav a[href='/reporting/dashboard/']")
    assert page.locator(".as-of").get_attribute("data-as-of") == "2012-12-31"
    page.locator("#trend-chart svg").wait_for()  # ECharts drew the trend, from the vendored file
    page.locator("#bases-chart svg").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "county-dashboard.png"), full_page=True)

    row = page.locator(f"tr[data-region='{township_a.code}']")
    assert row.locator("td").nth(1).inner_text().startswith("50.0%")  # control rate: 1 of 2
    row.locator("td").nth(1).locator("a").click()
    page.wait_for_url("**/reporting/figures/*/persons/")
    # the complement a reviewer wants first (未管控: current but not under a measure), then numerator, denominator:
    # one list at a time, each tab with its count
    tabs = page.locator("nav.tabs a")
    assert [tab.locator(".count").inner_text() for tab in tabs.all()] == ["1", "1", "2"]
    listed = page.locator("section.card")
    assert listed.get_by_text("李明").is_visible() and listed.get_by_text("张阳光").count() == 0
    tabs.nth(1).click()
    page.wait_for_url("**/persons/?list=numerator")
    assert listed.get_by_text("张阳光").is_visible() and listed.get_by_text("李明").count() == 0
    tabs.nth(2).click()
    page.wait_for_url("**/persons/?list=denominator")
    assert listed.get_by_text("张阳光").is_visible() and listed.get_by_text("李明").is_visible()
    assert errors == []
