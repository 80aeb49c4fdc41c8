"""The field app offline (issue 15): a township worker records on a phone without a signal.

Playwright bypasses service workers for pages whose requests it intercepts, so this test's context does
not route requests; it records every request that leaves the live server instead, and fails on any.
"""

import datetime as dt
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from cases.models import Absence, UrineTest, Visit
from cases.services import transfer_accept, transfer_start

from ..factories import PASSWORD, MeasureFactory, PersonFactory

pytestmark = pytest.mark.e2e
TODAY = dt.date.today()
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS", tempfile.gettempdir())
)  # SCREENSHOTS=docs/screenshots renews the guide's

# Everything the field app keeps in the browser: IndexedDB's stores, Cache Storage's responses.
READ_STORAGE = """async () => {
  const db = await idb.openDB("sunshine-field", 1);
  const caseload = await db.getAll("caseload"), outbox = await db.getAll("outbox");
  let cached = "";
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) cached += await (await cache.match(request)).text();
  }
  return { caseload: JSON.stringify(caseload), outbox, cached, local: JSON.stringify(localStorage) };
}"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, service_workers="allow")
    page = context.new_page()
    outside = []
    allowed = urlsplit(live_server.url).netloc
    context.on("request", lambda request: urlsplit(request.url).netloc == allowed or outside.append(request.url))
    page.set_default_timeout(15_000)
    yield context, page
    context.close()
    assert outside == [], "the app tried to reach outside the server"


def under_measure(person):
    start = TODAY - dt.timedelta(days=100)
    MeasureFactory(person=person, ordered_on=start - dt.timedelta(days=5), reported_on=start, started_on=start)
    return person


def record(page, kind, person, fill):
    page.select_option("#field-person", str(person.pk))
    page.select_option("#field-kind", kind)
    fill(page)
    page.get_by_role("button", name="保存到待发送").click()


def test_a_worker_records_offline_and_the_outbox_syncs_once(
    phone, live_server, worker_a, worker_b, township_a, township_b, tmp_path
):
    context, page = phone
    first = under_measure(PersonFactory(name="甲一", township=township_a))
    second = under_measure(PersonFactory(name="甲二", township=township_a))
    leaving = under_measure(PersonFactory(name="甲三", township=township_a))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="待发送").click()  # the outbox badge opens the field app
    page.wait_for_selector("#field-app[data-ready]")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.locator("#field-caseload li").count() == 3

    context.set_offline(True)
    page.reload()  # served by the service worker; the caseload comes from IndexedDB
    page.wait_for_selector("#field-app[data-ready]")
    assert "离线" in page.inner_text("#field-status")
    assert page.evaluate("navigator.serviceWorker.controller !== null")  # the page came from the worker's cache
    assert page.evaluate("fetch('/api/v1/caseload/').then(() => 'reached', () => 'failed')") == "failed"
    assert page.locator("#field-caseload li").count() == 3
    record(page, "visits", first, lambda p: p.fill("textarea[name='visits-findings']", "在家，情绪稳定"))
    record(page, "urine-tests", second, lambda p: p.select_option("select[name='urine-tests-result']", "negative"))
    record(page, "absences", first, lambda p: p.fill("textarea[name='absences-notes']", "外出打工"))
    expect(page.locator(".outbox-badge [data-outbox-count]")).to_have_text("3")  # the badge is counted after the write
    assert page.locator("#field-outbox li.waiting").count() == 3
    page.screenshot(path=SCREENSHOTS / "field-outbox-offline.png", full_page=True)
    assert not Visit.objects.exists()

    context.set_offline(False)  # the "online" event sends the outbox
    expect(page.locator(".outbox-badge [data-outbox-count]")).to_have_text("0")
    assert list(Visit.objects.values_list("person", "findings")) == [(first.pk, "在家，情绪稳定")]
    assert list(UrineTest.objects.values_list("person", "result")) == [(second.pk, "negative")]
    assert list(Absence.objects.values_list("person", "recorded_by__username")) == [(first.pk, "worker_a")]
    page.get_by_role("button", name="立即发送").click()  # nothing left to send: nothing more is written
    expect(page.locator("#field-outbox li")).to_have_count(0)
    assert Visit.objects.count() + UrineTest.objects.count() + Absence.objects.count() == 3

    # Offline again: a visit to a person who is transferred away before the phone reconnects.
    context.set_offline(True)
    record(page, "visits", leaving, lambda p: p.fill("textarea[name='visits-findings']", "已搬走"))
    transfer = transfer_start(user=worker_a, person=leaving, to_township=township_b, requested_on=TODAY)
    transfer_accept(user=worker_b, transfer=transfer, effective_on=TODAY)
    context.set_offline(False)
    refused = page.locator("#field-outbox li.refused")
    refused.wait_for()
    assert "不在您的辖区" in refused.inner_text()
    expect(page.locator(".outbox-badge [data-outbox-count]")).to_have_text("1")
    assert not Visit.objects.filter(person=leaving).exists()
    page.screenshot(path=SCREENSHOTS / "field-refused.png", full_page=True)

    # Signing out leaves no caseload in the browser: no person's name in IndexedDB, Cache Storage or localStorage.
    page.get_by_role("button", name="菜单").click()  # on a phone the menu folds behind its button
    page.get_by_role("button", name="退出").click()
    page.wait_for_selector("body[data-field-erased]")
    stored = page.evaluate(READ_STORAGE)
    assert stored["caseload"] == "[]"
    for person in (first, second, leaving):
        assert person.name not in stored["caseload"] + stored["cached"] + stored["local"] + str(stored["outbox"])
    assert [r["data"]["person"] for r in stored["outbox"]] == [leaving.pk]  # the refused record is still the account's
