"""The worker's pages on a phone (issue 15, items 2-4), in Chromium at 390×844: the menu folds behind a
button, a bottom bar leads to the work list, list rows label their fields, nothing is wider than the screen,
tap targets are at least 44 px high, the region picker searches by pinyin initials, and a positive test asks
for the substance. The screenshots go to docs/screenshots/ for the user guide."""

import datetime as dt
from pathlib import Path

import pytest

from cases.models import Transfer, UrineTest

from ..factories import PASSWORD, RECORD_FACTORIES, MeasureFactory

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTH = 390

# Everything a thumb taps on a phone: buttons, the menu, the bottom bar, form fields and the links in lists.
TAPPABLE = (
    "main button:visible, main .button:visible, .menu-toggle:visible, .tabbar a:visible, "
    "main input:not([type=hidden]):not([type=checkbox]):visible, main select:visible, main table.list td a:visible"
)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.locator("html.js").wait_for(state="attached")  # the page's script ran: the menu is folded


def _fits_the_phone(page):
    """Nothing scrolls sideways, and every tap target is at least 44 px high."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    small = page.eval_on_selector_all(
        TAPPABLE,
        "nodes => nodes.filter(n => n.getBoundingClientRect().height < 44)"
        ".map(n => n.outerHTML.slice(0, 80) + ' ' + n.getBoundingClientRect().height)",
    )
    assert small == []


def test_a_worker_uses_the_app_on_a_phone(page, live_server, worker_a, person_a, person_c):
    today = dt.date.today()
    MeasureFactory(
        person=person_a,
        ordered_on=today - dt.timedelta(days=110),
        reported_on=today - dt.timedelta(days=100),
        started_on=today - dt.timedelta(days=100),
    )
    RECORD_FACTORIES["visit"](person=person_a, visited_on=today - dt.timedelta(days=20), findings="在家，情绪稳定")
    SCREENSHOTS.mkdir(exist_ok=True)
    _sign_in(page, live_server, "worker_a")

    # the work list: the header is one line, the menu folded behind its button, the bottom bar at hand
    assert page.locator(".topbar").bounding_box()["height"] < 70
    assert not page.locator("#main-nav").is_visible()
    tabbar = page.locator(".tabbar")
    assert tabbar.is_visible() and tabbar.bounding_box()["y"] + tabbar.bounding_box()["height"] == 844
    assert page.locator(".tabbar a[aria-current=page]").inner_text() == "工作清单"
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-work-list.png"))
    page.click(".menu-toggle")
    assert page.locator("#main-nav").is_visible()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-menu.png"))

    # the person list: each row a card whose lines say what they are
    page.click(".tabbar >> text=人员")
    page.wait_for_load_state()
    cell = page.locator("table.list tbody td.mono").first
    assert cell.get_attribute("data-label") == "身份证号"
    label = page.evaluate("getComputedStyle(document.querySelector('table.list td.mono'), '::before').content")
    assert label == '"身份证号"'
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-person-list.png"))

    # the person's file
    with page.expect_navigation():
        page.get_by_role("link", name=person_a.name).click()
    page.locator("html.js").wait_for(state="attached")
    assert page.locator("ol.pathway li.current").inner_text() == "身心康复"
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-person.png"))

    # a urine test: the substance is asked for only when the result is positive
    with page.expect_navigation():
        page.get_by_role("link", name="尿检", exact=True).click()
    page.locator("html.js").wait_for(state="attached")
    assert not page.locator("input[name=substance]").is_visible()
    page.select_option("select[name=result]", "positive")
    assert page.locator("input[name=substance]").is_visible()
    assert "社区民警" in page.locator("main").inner_text()  # the worker is told who records the finding
    page.fill("input[name=substance]", "海洛因")
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-test-form.png"))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert UrineTest.objects.get(person=person_a).substance == "海洛因"
    assert "社区民警" in page.locator(".message.warning").inner_text()

    # a transfer: county then township, or the pinyin initials; the own township is not there
    page.goto(f"{live_server.url}/cases/persons/{person_a.pk}/transfer/")
    page.wait_for_load_state()
    picker = page.locator(".picker")
    assert picker.is_visible()
    picker.locator("input[type=search]").fill("mcz")  # 马场镇 (in four counties), 猫场镇...
    options = page.locator("select[name=to_township] option[value]:not([value=''])")
    assert {option.get_attribute("data-initials") for option in options.all()} == {"mcz"}
    names = options.all_inner_texts()
    assert len([name for name in names if name.startswith("马场镇（")]) == 4 and "马场镇（平坝区）" in names
    picker.locator("select").select_option("普定县")
    assert page.input_value("select[name=to_township]") == "520422103"  # the one match is chosen
    picker.locator("input[type=search]").fill("")
    picker.locator("select").select_option("南明区")
    own = page.locator(f"select[name=to_township] option[value='{person_a.township_id}']")
    assert own.count() == 0
    picker.locator("input[type=search]").fill("马场")
    picker.locator("select").select_option("平坝区")
    _fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-transfer-form.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    page.locator("html.js").wait_for(state="attached")  # the next page is drawn and its script ran
    assert Transfer.objects.get(person=person_a).to_township_id == "520403105"
    _fits_the_phone(page)


# The other pages township staff open, each checked for sideways scrolling and small tap targets.
OTHER_PAGES = [
    "/cases/transfers/",
    "/cases/alerts/",
    "/placement/bases/",
    "/training/courses/",
    "/welfare/benefits/",
    "/cases/persons/new/",
    "/cases/persons/{pk}/records/visit/new/",
    "/cases/persons/{pk}/records/absence/new/",
]


@pytest.mark.parametrize("username", ["worker_a", "police_a"])
def test_every_page_of_township_staff_fits_a_phone(page, live_server, worker_a, police_a, person_a, username):
    MeasureFactory(person=person_a)
    _sign_in(page, live_server, username)
    for path in OTHER_PAGES:
        response = page.goto(live_server.url + path.format(pk=person_a.pk))
        if response.status == 403:  # police register no one and log no visits
            continue
        assert response.status == 200, path
        page.wait_for_load_state()
        assert page.locator(".tabbar").is_visible(), path
        _fits_the_phone(page)
