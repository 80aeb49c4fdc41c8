"""A provincial officer finalises a county's assessment report through its confirmation page, watches the job, then
issues a corrected version with its reason; both versions stay listed with their checksums."""

import datetime as dt

import pytest

from reporting.models import AssessmentReport
from reporting.snapshots import snapshots_compute

from ..factories import PASSWORD, MeasureFactory, PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _wait_for_the_job(page):
    page.wait_for_url("**/jobs/*/", timeout=180_000)
    page.locator("#job-status [data-status=done]").wait_for(timeout=180_000)
    assert page.locator("#job-status progress").get_attribute("value") == "100"


def test_finalise_then_correct_with_a_reason(page, live_server, province_officer, township_a, township_b):
    for township, measured in ((township_a, True), (township_a, False), (township_b, True)):
        person = PersonFactory(township=township, registered_on=dt.date(2010, 1, 1))
        if measured:
            MeasureFactory(person=person)
    snapshots_compute(day=dt.date(2012, 12, 31))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", province_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/reporting/assessment/?region=520102&year=2012")
    page.click("#finalise-link")
    confirm = page.locator("#finalise-confirm")
    assert "管控率为66.7%（2/3）" in confirm.inner_text()  # what will be frozen, in words
    assert AssessmentReport.objects.count() == 0
    page.fill("textarea[name=notes]", "请对照整改")
    page.click("#confirm-finalise", no_wait_after=True)  # the job runs in the request here (no broker): slow
    _wait_for_the_job(page)
    first = AssessmentReport.objects.get()

    page.goto(f"{live_server.url}/reporting/assessment/?region=520102&year=2012")
    row = page.locator(f"#assessment-finals tr[data-report='{first.pk}']")
    assert first.sha256_pdf[:12] in row.inner_text() and first.sha256_xlsx[:12] in row.inner_text()
    row.locator("a[href$='/correct/']").click()
    assert first.sha256_pdf in page.locator("#correct-confirm").inner_text()
    page.fill("textarea[name=reason]", "补录漏报人员一名")
    page.click("#confirm-correct", no_wait_after=True)
    _wait_for_the_job(page)
    second = AssessmentReport.objects.get(superseded_at=None)
    assert second.version == 2 and second.reason == "补录漏报人员一名"

    page.goto(f"{live_server.url}/reporting/assessment/?region=520102&year=2012")
    old, new = (page.locator(f"#assessment-finals tr[data-report='{r.pk}']") for r in (first, second))
    assert old.get_attribute("data-superseded") == "true" and new.get_attribute("data-superseded") is None
    assert first.sha256_pdf[:12] in old.inner_text() and second.sha256_pdf[:12] in new.inner_text()
    assert "补录漏报人员一名" in new.inner_text() and "已被替代" in old.inner_text()
    assert old.locator("a[href$='/correct/']").count() == 0  # only the version in force is corrected
    assert errors == []
