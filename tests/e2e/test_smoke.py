import pytest

from ..factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_worker_signs_in_and_sees_the_home_page_in_chinese(page, live_server, worker_a, person_a):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("button", name="菜单").click()  # on a phone the menu folds behind its button
    assert page.get_by_role("button", name="退出").is_visible()
    page.get_by_role("link", name="查找人员").click()
    assert page.get_by_text(person_a.name).is_visible()
    assert page.get_by_text(person_a.masked_id).is_visible()
