import pytest

from cases.models import Person, UrineTest

from ..cases.test_roster import ID1, ID2, roster, workbook
from ..factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_county_officer_previews_then_imports_a_roster(page, live_server, county_officer, township_a, township_b):
    page.set_viewport_size({"width": 1280, "height": 900})  # an officer at a desk: the whole menu shows
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "county_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav a[href='/cases/roster/import/']")
    with page.expect_download() as download:
        page.click("a[href='/cases/roster/template.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")

    content = workbook(roster(township_a.code, township_b.code))
    page.set_input_files("input[name=file]", {"name": "南明区名册.xlsx", "mimeType": "application/octet-stream",
                                               "buffer": content})  # fmt: skip
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("[data-status=done]")
    assert page.locator("#roster-counts tr[data-sheet='人员'] [data-create]").inner_text() == "2"
    assert page.locator("#roster-counts tr[data-sheet='尿检'] [data-create]").inner_text() == "3"
    assert not Person.objects.exists()  # only a preview so far

    page.click("#roster-confirm")
    page.wait_for_selector("[data-status=done]")
    assert page.locator("#roster-counts tr[data-sheet='人员'] [data-create]").inner_text() == "2"
    assert set(Person.objects.values_list("id_number", flat=True)) == {ID1, ID2}
    assert UrineTest.objects.count() == 3
    assert page.locator("#roster-confirm").count() == 0
