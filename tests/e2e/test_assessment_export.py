"""A provincial officer exports the province's assessment report: start the export, watch it, download the file."""

import datetime as dt
import io

import openpyxl
import pytest

from reporting.snapshots import snapshots_compute
from sunshine.models import AuditEntry

from ..factories import PASSWORD, MeasureFactory, PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_provincial_officer_exports_the_province_report(page, live_server, province_officer, township_a, township_z):
    for township in (township_a, township_a, township_z):
        MeasureFactory(person=PersonFactory(township=township, registered_on=dt.date(2010, 1, 1)))
    PersonFactory(township=township_z, registered_on=dt.date(2010, 1, 1))
    snapshots_compute(day=dt.date(2012, 12, 31))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", province_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav a[href='/reporting/assessment/']")
    preview = page.locator("#assessment-preview")
    assert preview.get_attribute("data-as-of") == "2012-12-31" and preview.get_attribute("data-final") == "false"
    assert page.locator("#assessment-indicators tbody tr").first.locator("td").nth(3).inner_text() == "75.0%"
    assert page.locator("#assessment-preview svg").count() >= 1  # the chart, drawn on the server

    page.click("#assessment-export button[value=xlsx]")  # the job runs (in-process here; a worker in production)
    page.wait_for_url("**/jobs/*/", timeout=180_000)
    page.locator("#job-status [data-status=done]").wait_for(timeout=180_000)
    assert page.locator("#job-status progress").get_attribute("value") == "100"
    with page.expect_download() as download:
        page.locator("#job-status a[download]").click()
    assert download.value.suggested_filename.startswith("考核-52-2012")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary, prefectures, counties, townships = book.worksheets
    assert summary.cell(6, 4).value == pytest.approx(3 / 4) and summary.cell(6, 4).number_format == "0.0%"
    assert (prefectures.max_row, counties.max_row, townships.max_row) == (2 + 9, 2 + 88, 2 + 1510)
    assert townships.freeze_panes == "D3"
    exports = AuditEntry.objects.filter(event="export", actor=province_officer)
    assert exports.count() == 2  # the export the job produced, and its download
    assert errors == []
