"""A lawful query (依法查询, DESIGN §3b): county officer A asks for a sealed file, officer B of the same county
approves, A reads the file under the banner; once the seven days are over, A gets 404."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from ..factories import PASSWORD, PersonFactory, StaffFactory, seal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BANNER = "已封存 · 依法查询 · 注意保密"


def _sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_officer_a_asks_b_approves_a_reads_until_expiry(page, live_server, county_officer, township_a, monkeypatch):
    clock = {"now": dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])  # time frozen, moved by hand below
    officer_b = StaffFactory(username="county_officer_b", role="county_officer", region_id=county_officer.region_id)
    person = seal(PersonFactory(name="封存某", township=township_a))
    page.set_viewport_size({"width": 1280, "height": 900})

    _sign_in(page, live_server, county_officer)
    page.goto(f"{live_server.url}/cases/persons/{person.pk}/")
    assert page.get_by_text("封存某").count() == 0  # sealed: not there
    page.goto(f"{live_server.url}/")
    page.locator("nav").get_by_role("link", name="依法查询", exact=True).click()
    page.get_by_role("link", name="申请依法查询", exact=True).click()
    page.fill("input[name=id_number]", person.id_number)
    page.fill("input[name=querying_unit]", "南明分局刑侦大队")
    page.select_option("select[name=basis]", "case")
    page.fill("input[name=case_number]", "南公刑〔2026〕12号")
    page.fill("textarea[name=purpose]", "办理贩毒案件，核实涉案人员吸毒史")
    page.click("main button[type=submit]")
    assert "待审批" in page.locator("dl").inner_text()
    assert page.locator("main button[type=submit]").count() == 0  # the requester cannot decide

    _sign_in(page, live_server, officer_b)
    page.locator("nav").get_by_role("link", name="依法查询", exact=True).click()
    page.get_by_role("link", name="审批", exact=True).click()
    page.select_option("select[name=approve]", "yes")
    page.fill("textarea[name=reason]", "依法同意，限七日")
    page.click("main button[type=submit]")
    assert "已批准" in page.locator("dl").inner_text()

    _sign_in(page, live_server, county_officer)
    assert page.locator(".sealed-banner").inner_text() == BANNER  # on every page while the grant runs
    page.locator("nav").get_by_role("link", name="依法查询", exact=True).click()
    page.get_by_role("link", name="查看", exact=True).click()
    page.click("text=查阅档案（只读）")
    assert page.locator(".sealed-banner").inner_text() == BANNER
    assert page.locator("h1").inner_text().startswith("封存某")
    page.screenshot(path=str(SCREENSHOTS / "lawful-query-file.png"), full_page=True)

    clock["now"] += dt.timedelta(days=7, minutes=1)  # the grant has ended by itself
    _sign_in(page, live_server, county_officer)
    response = page.goto(f"{live_server.url}/cases/persons/{person.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/")
    assert page.locator(".sealed-banner").count() == 0
