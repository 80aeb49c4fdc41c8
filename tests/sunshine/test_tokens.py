"""API tokens (issue #12, finding 5): issued after the second factor, expiring, revoked when the account
changes or is locked out, listed and revoked by their owner."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunshine.models import ApiToken
from sunshine.services import staff_save

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, username, otp="", **headers) -> str:
    response = client.post(reverse("api:token"), {"username": username, "password": PASSWORD, "otp": otp}, **headers)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _status(client, token) -> int:
    client.logout()
    return client.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_it_answers_a_token_and_stores_only_its_hash(client, worker_a):
    response = client.post(reverse("api:token"), {"username": "worker_a", "password": PASSWORD})
    assert list(response.json()) == ["token"]
    secret = response.json()["token"]
    stored = ApiToken.objects.get(user=worker_a)
    assert secret not in (stored.digest, stored.token_key) and secret.startswith(stored.token_key)
    assert _status(client, secret) == 200


def test_a_token_issued_without_the_second_factor_dies_when_two_factor_is_switched_on(client, settings, county_officer):
    token = _token(client, "county_officer")  # REQUIRE_2FA is off in tests
    assert _status(client, token) == 200
    settings.REQUIRE_2FA = True
    assert _status(client, token) == 401
    assert not ApiToken.objects.filter(user=county_officer).exists()
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert _status(client, _token(client, "county_officer", otp=code)) == 200


def test_a_worker_token_lives_on_when_two_factor_is_switched_on(client, settings, worker_a):
    token = _token(client, "worker_a")
    settings.REQUIRE_2FA = True  # township accounts sign in without a second factor
    assert _status(client, token) == 200


def test_changing_the_password_revokes_the_tokens(client, worker_a, county_officer):
    token = _token(client, "worker_a")
    staff_save(manager=county_officer, account=worker_a, password="Another-long-passphrase-42")
    client.force_login(worker_a)
    assert client.get(reverse("api:api-token-list")).json()["results"] == []  # listed no more, at once
    assert "没有 API 令牌。" in client.get(reverse("token_list")).content.decode()
    assert _status(client, token) == 401


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda account: setattr(account, "is_active", False), id="deactivated"),
        pytest.param(lambda account: setattr(account, "role", "community_police"), id="role"),
    ],
)
def test_a_change_to_the_account_revokes_its_tokens(client, worker_a, county_officer, change):
    token = _token(client, "worker_a")
    change(worker_a)
    staff_save(manager=county_officer, account=worker_a)
    assert _status(client, token) == 401
    assert not ApiToken.objects.filter(user=worker_a).exists()


def test_a_change_of_region_revokes_the_tokens(client, worker_a, county_officer, township_b):
    token = _token(client, "worker_a")
    worker_a.region = township_b
    staff_save(manager=county_officer, account=worker_a)
    assert _status(client, token) == 401


def test_a_change_of_name_keeps_the_tokens(client, worker_a, county_officer):
    token = _token(client, "worker_a")
    worker_a.full_name = "新名字"
    staff_save(manager=county_officer, account=worker_a)
    assert _status(client, token) == 200


def test_a_lockout_revokes_the_tokens(client, worker_a):
    token = _token(client, "worker_a")
    for _ in range(5):
        client.post(reverse("login"), {"username": "worker_a", "password": "wrong"})
    assert not ApiToken.objects.filter(user=worker_a).exists()
    assert _status(client, token) == 401


def test_a_token_expires_after_eight_idle_hours(client, worker_a):
    token = _token(client, "worker_a")
    stored = ApiToken.objects.get(user=worker_a)
    assert abs((stored.expiry - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(minutes=1)
    # used after two hours: eight more hours from now
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() + dt.timedelta(hours=6))
    assert _status(client, token) == 200
    stored.refresh_from_db()
    assert abs((stored.expiry - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(minutes=1)
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert _status(client, token) == 401
    assert not ApiToken.objects.filter(pk=stored.pk).exists()


def test_a_token_in_daily_use_still_ends_thirty_days_after_issue(client, worker_a):
    token = _token(client, "worker_a")
    issued = timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=1)
    ApiToken.objects.filter(user=worker_a).update(created=issued, expiry=timezone.now() + dt.timedelta(minutes=10))
    assert _status(client, token) == 200
    stored = ApiToken.objects.get(user=worker_a)
    assert stored.expiry == issued + dt.timedelta(days=30)  # not eight hours on: the absolute limit
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert _status(client, token) == 401


def test_the_owner_lists_and_revokes_tokens_through_the_api(client, worker_a, worker_b):
    first, second = _token(client, "worker_a"), _token(client, "worker_a")
    other = _token(client, "worker_b")
    auth = {"HTTP_AUTHORIZATION": f"Token {first}"}
    listed = client.get(reverse("api:api-token-list"), **auth).json()["results"]
    assert len(listed) == 2 and {row["current"] for row in listed} == {True, False}
    assert all(set(row) >= {"id", "token_key", "created", "expiry", "client"} and "digest" not in row for row in listed)
    second_id = next(row["id"] for row in listed if not row["current"])
    other_id = ApiToken.objects.get(user=worker_b).pk
    assert client.delete(reverse("api:api-token-detail", args=[other_id]), **auth).status_code == 404
    assert client.delete(reverse("api:api-token-detail", args=[second_id]), **auth).status_code == 204
    assert _status(client, second) == 401
    assert _status(client, first) == 200 and _status(client, other) == 200


def test_the_owner_lists_and_revokes_tokens_on_a_page(client, worker_a, worker_b):
    _token(client, "worker_a", HTTP_USER_AGENT="sunshine-sync/1.0")
    secret = _token(client, "worker_a")
    _token(client, "worker_b")
    mine = ApiToken.objects.filter(user=worker_a).order_by("created")
    client.force_login(worker_a)
    page = client.get(reverse("token_list"))
    body = page.content.decode()
    assert "sunshine-sync/1.0" in body and all(token.token_key[:8] in body for token in mine)
    assert ApiToken.objects.get(user=worker_b).token_key[:8] not in body
    other = ApiToken.objects.get(user=worker_b)
    assert client.post(reverse("token_revoke", args=[other.pk])).status_code == 404
    response = client.post(reverse("token_revoke", args=[mine[1].pk]))
    assert response.status_code == 302
    assert _status(client, secret) == 401 and ApiToken.objects.filter(user=worker_a).count() == 1


def test_the_nightly_purge_drops_tokens_that_can_no_longer_be_used(client, worker_a, worker_b, police_a):
    from sunshine.tasks import purge_tokens

    live, expired = _token(client, "worker_a"), _token(client, "worker_b")
    _token(client, "police_a")
    ApiToken.objects.filter(user=worker_b).update(expiry=timezone.now() - dt.timedelta(minutes=1))
    police_a.is_active = False
    police_a.save()
    assert purge_tokens.delay().get() == 2
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["worker_a"]
    assert _status(client, live) == 200 and _status(client, expired) == 401
