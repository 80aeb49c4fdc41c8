import datetime as dt

import pytest

from ..factories import PASSWORD, MeasureFactory

pytestmark = pytest.mark.e2e


def test_a_worker_logs_a_visit_from_the_work_list(page, live_server, worker_a, person_a, tmp_path):
    today = dt.date.today()
    MeasureFactory(
        person=person_a,
        ordered_on=today - dt.timedelta(days=110),
        reported_on=today - dt.timedelta(days=100),
        started_on=today - dt.timedelta(days=100),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    # the work list: person_a's visit and test are overdue
    overdue = page.locator("#overdue li.bad")
    assert overdue.count() == 2  # the urine test and the visit
    assert "已逾期" in overdue.first.inner_text()
    overdue.first.get_by_role("link", name=person_a.name).click()

    # the person file: stage and the quick actions
    assert page.locator("ol.pathway li.current").inner_text() == "身心康复"
    page.get_by_role("link", name="走访", exact=True).click()
    assert page.input_value("input[name=visited_on]") == today.isoformat()
    page.select_option("select[name=kind]", "home")
    page.fill("textarea[name=findings]", "在家，情绪稳定")
    page.get_by_role("button", name="保存").click()

    # back on the file, the visit heads the timeline
    first = page.locator("#timeline li").first
    assert today.isoformat() in first.inner_text() and "在家，情绪稳定" in first.inner_text()
    page.screenshot(path=tmp_path / "worker-journey.png", full_page=True)
