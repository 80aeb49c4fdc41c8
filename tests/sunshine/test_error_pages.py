"""403, 404 and 500 answer with the site's own pages, in Chinese (issue 12: they were Django's bare English ones)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refusal_is_the_styled_chinese_403_page(client, police_a, person_a):
    client.force_login(police_a)
    response = client.get(reverse("cases:person_update", kwargs={"pk": person_a.pk}))
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and "css/sunshine.css" in body and "返回工作清单" in body
    assert "403 Forbidden" not in body


def test_missing_and_out_of_scope_are_the_same_styled_404_page(client, worker_a, person_z):
    client.force_login(worker_a)
    missing = client.get(reverse("cases:person_detail", kwargs={"pk": 10**9}))
    elsewhere = client.get(reverse("cases:person_detail", kwargs={"pk": person_z.pk}))
    assert missing.status_code == elsewhere.status_code == 404
    assert "未找到" in missing.content.decode() and "css/sunshine.css" in missing.content.decode()
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(missing.content.decode()).group() == main.search(elsewhere.content.decode()).group()


def test_a_server_error_is_the_styled_chinese_500_page(settings, worker_a, monkeypatch):
    from cases import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "work_rows", broken)
    client = Client(raise_request_exception=False)
    client.force_login(worker_a)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body and "css/sunshine.css" in body and "boom" not in body
