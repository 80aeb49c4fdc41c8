import pytest
from django.urls import reverse

from sunshine.models import ApiToken

from .test_phone_layout import _fits_the_phone, _sign_in

pytestmark = pytest.mark.e2e


def test_a_worker_revokes_a_lost_phones_token(page, live_server, worker_a, client, tmp_path):
    from ..factories import PASSWORD

    answer = client.post(
        reverse("api:token"), {"username": "worker_a", "password": PASSWORD}, HTTP_USER_AGENT="sunshine-field/2.1"
    )
    secret = answer.json()["token"]
    _sign_in(page, live_server, "worker_a")
    page.goto(f"{live_server.url}/accounts/tokens/")
    row = page.locator("table.list tbody tr").first
    assert "sunshine-field/2.1" in row.inner_text() and secret[:8] in row.inner_text()
    _fits_the_phone(page)
    page.screenshot(path=tmp_path / "tokens.png", full_page=True)

    row.get_by_role("button", name="吊销").click()
    assert "令牌已吊销" in page.inner_text("body")
    assert not ApiToken.objects.filter(user=worker_a).exists()
    client.logout()
    assert client.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401
