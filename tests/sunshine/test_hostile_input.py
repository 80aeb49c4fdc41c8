"""Hostile input refused with a message, never a 500: NUL bytes in query strings, years before 1900 in forms and
the API, weak passwords through ``create_staff``; and the Content-Security-Policy every page is served with."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from cases.models import Person
from sunshine.models import User

pytestmark = pytest.mark.django_db

NUL_URLS = [
    ("cases:person_list", "q"),
    ("cases:person_list", "region"),
    ("audit_log", "q"),
    ("placement:base_list", "region"),
    ("reporting:dashboard", "region"),
    ("reporting:bulletin", "region"),
    ("reporting:assessment", "region"),
    ("api:person-list", "q"),
]


@pytest.mark.parametrize(("name", "parameter"), NUL_URLS)
def test_a_nul_byte_in_the_query_string_is_refused_with_a_message(client, province_officer, name, parameter):
    client.force_login(province_officer)
    response = client.get(reverse(name), {parameter: "52\x0001"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "空字符" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "township", "registered_on"])
def test_a_nul_byte_in_a_posted_form_field_is_refused_naming_the_field(client, worker_a, township_a, field):
    client.force_login(worker_a)
    data = {"id_number": "520102198503141234", "name": "张三", "township": township_a.code}
    data["registered_on"] = "2012-01-01"
    data[field] += "\x00"
    response = client.post(reverse("cases:person_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert f"“{field}”含有不允许的空字符" in response.content.decode()
    assert not Person.objects.exists()


def test_a_nul_byte_in_a_json_body_is_refused_under_its_field(client, county_officer, person_a):
    client.force_login(county_officer)
    url = reverse("api:person-detail", args=[person_a.pk])
    for body, field in (({"notes": "a\x00b"}, "notes"), ({"township": person_a.township_id + "\x00"}, "township")):
        response = client.patch(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400
        assert response.json() == {field: [f"“{field}”含有不允许的空字符（NUL）。"]}
    response = client.post(reverse("api:sync"), {"records": [{"kind": "visit", "data": {"notes": "\x00"}}]},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and list(response.json()) == ["records.0.data.notes"]
    person_a.refresh_from_db()
    assert person_a.notes == ""


def test_a_date_before_1900_is_refused_on_its_field_in_the_form(client, worker_a, township_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("cases:person_create"),
        {"id_number": "520102198503141234", "name": "张三", "township": township_a.code, "registered_on": "0439-02-14"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registered_on"] == ["请输入 1900-01-01 及以后的日期。"]
    assert not Person.objects.exists()


def test_a_date_before_1900_is_refused_on_its_field_in_the_api(client, county_officer, person_a):
    client.force_login(county_officer)
    for day in ("0439-02-14", "1899-12-31"):
        response = client.patch(
            reverse("api:person-detail", args=[person_a.pk]), {"registered_on": day}, content_type="application/json"
        )
        assert response.status_code == 400 and list(response.json()) == ["registered_on"]
    person_a.refresh_from_db()
    assert person_a.registered_on.year >= 1900


def test_create_staff_applies_the_password_validators(township_a):
    with pytest.raises(CommandError, match="password"):
        call_command("create_staff", "weak", "--role", "township_worker", "--region", township_a.code,
                     "--password", "1")  # fmt: skip
    assert not User.objects.filter(username="weak").exists()
    call_command("create_staff", "strong", "--role", "township_worker", "--region", township_a.code,
                 "--password", "黔南-阳光-2012-worker")  # fmt: skip
    assert User.objects.get(username="strong").check_password("黔南-阳光-2012-worker")


def test_the_too_short_message_is_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("a7#kq")
    assert "密码太短，至少需要 10 个字符。" in refused.value.messages


def test_pages_carry_a_policy_that_allows_no_inline_script(client, worker_a):
    client.force_login(worker_a)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    assert client.get(reverse("login"))["Content-Security-Policy"] == policy


def test_no_template_holds_an_inline_script_or_event_handler():
    """What the policy would block in a browser: <script> without src, on...= attributes, javascript: links."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"|javascript:", re.I)
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
