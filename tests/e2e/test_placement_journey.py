import datetime as dt

import pytest

from ..factories import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_county_officer_opens_a_base_and_a_worker_places_a_person_there(
    page, live_server, county_officer, worker_a, person_a, township_a
):
    today = dt.date.today()
    _sign_in(page, live_server, "county_officer")
    page.goto(f"{live_server.url}/placement/bases/new/")
    page.fill("input[name=code]", "NM-001")
    page.fill("input[name=name]", "南明区阳光安置基地")
    page.select_option("select[name=region]", township_a.code)
    page.fill("input[name=opened_on]", "2011-05-01")
    page.fill("input[name=declared_capacity]", "120")
    page.check("input[name=has_union]")
    page.get_by_role("button", name="保存").click()
    assert page.locator("h1").inner_text() == "南明区阳光安置基地"
    assert page.locator("#scale strong").inner_text() == "0"

    _sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}{person_a.get_absolute_url()}")
    page.locator("#placement").get_by_role("link", name="登记安置").click()
    page.select_option("select[name=mode]", "concentrated")
    page.select_option("select[name=base]", label="南明区阳光安置基地")
    page.fill("input[name=contract_start]", (today - dt.timedelta(days=30)).isoformat())
    page.fill("input[name=contract_end]", (today + dt.timedelta(days=400)).isoformat())
    page.check("input[name=social_insurance]")
    page.get_by_role("button", name="保存").click()
    assert "南明区阳光安置基地" in page.locator("#placement").inner_text()
    assert page.locator("ol.pathway li.current").inner_text() == "就业安置"

    page.locator("#placement").get_by_role("link", name="南明区阳光安置基地").click()
    assert page.locator("#scale strong").inner_text() == "1"
    assert person_a.name in page.locator("section.card").first.inner_text()
