import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunshine.models import AuditEntry

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_signing_in_is_audited_with_the_address(client, worker_a):
    response = client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event="login")
    assert (entry.actor, entry.region_id, entry.remote_addr) == (worker_a, worker_a.region_id, "10.1.2.3")


def test_five_failures_lock_the_account(client, worker_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "worker_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(event="login_failed", object_pk=str(worker_a.pk)).count() >= 5


def test_sessions_expire_when_idle(client, worker_a):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    session = Session.objects.get(session_key=client.session.session_key)
    assert abs((session.expire_date - timezone.now()).total_seconds() - 30 * 60) < 60
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))  # idle past the limit: signed out
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_use_keeps_a_session_alive_written_at_most_once_a_minute(client, worker_a, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    session = Session.objects.filter(session_key=client.session.session_key)
    written = session.get().expire_date
    for _ in range(3):  # pages within the minute: the session is not written again
        assert client.get(reverse("home")).status_code == 200
    assert session.get().expire_date == written
    session.update(expire_date=timezone.now() + timezone.timedelta(seconds=90))  # as if 28.5 minutes idle
    settings.SESSION_REFRESH_SECONDS = 0  # (a minute later)
    assert client.get(reverse("home")).status_code == 200
    assert abs((session.get().expire_date - timezone.now()).total_seconds() - 30 * 60) < 60  # 30 minutes again


def test_a_short_idle_limit_is_pushed_on_within_its_first_half(client, worker_a, settings):
    import time

    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_AGE = 60  # a minute idle: written every 30 s of use, never lapsing while in use
    client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    stored = client.session
    stored["_touched"] = int(time.time()) - 31
    stored.save()
    written = Session.objects.get(session_key=stored.session_key).expire_date
    time.sleep(0.01)
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=stored.session_key).expire_date > written


def test_a_county_officer_must_enrol_a_second_factor(client, settings, county_officer):
    settings.REQUIRE_2FA = True
    client.post(reverse("login"), {"username": "county_officer", "password": PASSWORD})
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=county_officer, confirmed=False)

    wrong = client.post(reverse("two_factor"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "token" in wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the next try; a person would simply wait

    done = client.post(reverse("two_factor"), {"token": _code(device), "next": "/cases/persons/"})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("cases:person_list")).status_code == 200

    # next time: verification, and a recovery code works once
    client.logout()
    client.post(reverse("login"), {"username": "county_officer", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 302
    assert client.post(reverse("two_factor"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    client.post(reverse("login"), {"username": "county_officer", "password": PASSWORD})
    assert client.post(reverse("two_factor"), {"token": codes[0]}).status_code == 200  # used up


def test_a_township_worker_needs_no_second_factor(client, settings, worker_a):
    settings.REQUIRE_2FA = True
    client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200


def test_unverified_sessions_get_no_api(client, settings, county_officer):
    settings.REQUIRE_2FA = True
    client.force_login(county_officer)
    assert client.get(reverse("api:person-list")).status_code == 403


def test_the_token_endpoint_asks_for_otp_where_two_factor_applies(client, settings, county_officer, person_a):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    url = reverse("api:token")
    missing = client.post(url, {"username": "county_officer", "password": PASSWORD})
    assert missing.status_code == 400 and "otp" in missing.json()
    token = client.post(url, {"username": "county_officer", "password": PASSWORD, "otp": _code(device)}).json()["token"]
    client.logout()
    listed = client.get(reverse("api:person-list"), HTTP_AUTHORIZATION=f"Token {token}")
    assert [p["name"] for p in listed.json()["results"]] == [person_a.name]


def test_the_token_endpoint_refuses_a_wrong_password(client, worker_a):
    response = client.post(reverse("api:token"), {"username": "worker_a", "password": "nope"})
    assert response.status_code == 400 and "token" not in response.json()


def test_a_token_sees_only_its_scope(client, worker_b, person_a, person_b):
    token = client.post(reverse("api:token"), {"username": "worker_b", "password": PASSWORD}).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(reverse("api:person-detail", args=[person_a.pk]), **auth).status_code == 404
    assert (
        client.get(reverse("api:person-detail", args=[person_b.pk]), **auth).json()["id_number"] == person_b.id_number
    )


def test_the_interface_speaks_chinese_by_default_and_english_on_request(client, worker_a):
    client.force_login(worker_a)
    assert "退出" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign out" in client.get(reverse("home")).content.decode()
