import pytest
from auditlog.context import set_actor

from cases.models import Person
from cases.services import person_update

from ..factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_worker_whose_form_went_stale_sees_the_other_change(
    page, live_server, worker_a, county_officer, person_a, tmp_path
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/persons/{person_a.pk}/edit/")
    page.fill("input[name=address]", "新寨村 3 组")

    # meanwhile the county office corrects the phone number
    other = Person.objects.get(pk=person_a.pk)
    other.phone = "13900000009"
    with set_actor(county_officer):  # as the officer's request would record it
        person_update(user=county_officer, person=other)

    page.get_by_role("button", name="保存").click()
    alert = page.locator("div.errors[role=alert]")
    assert "county_officer" in alert.inner_text() and "13900000009" in alert.inner_text()
    assert "13900000009" in page.locator("form.card").inner_text()  # on the phone field itself
    page.screenshot(path=tmp_path / "conflict.png", full_page=True)

    # she takes the new number and saves again: both changes are kept
    page.fill("input[name=phone]", "13900000009")
    page.get_by_role("button", name="保存").click()
    person_a.refresh_from_db()
    assert (person_a.phone, person_a.address) == ("13900000009", "新寨村 3 组")
