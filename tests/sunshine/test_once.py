"""One-time ids: the same creating request twice makes one row (forms, API)."""

import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Transfer, Visit
from sunshine.models import OneTimeKey

pytestmark = pytest.mark.django_db


def visit_form(key, **extra):
    return {"visited_on": "2024-05-02", "kind": "home", "whereabouts_confirmed": "on", "one_time_id": key, **extra}


def test_it_offers_a_fresh_one_time_id_on_each_creating_form(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:record_create", args=[person_a.pk, "visit"])
    first, second = client.get(url), client.get(url)
    key = first.context["one_time_id"]
    assert key != second.context["one_time_id"]
    assert f'name="one_time_id" value="{key}"' in first.content.decode()


def test_it_saves_a_resubmitted_form_once(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:record_create", args=[person_a.pk, "visit"])
    key = str(uuid.uuid4())
    first = client.post(url, visit_form(key))
    again = client.post(url, visit_form(key), follow=True)
    assert first.status_code == 302 and again.status_code == 200
    assert Visit.objects.filter(person=person_a).count() == 1
    assert "记录只保存了一次" in again.content.decode()  # "This form had already been sent; it was saved once."
    assert OneTimeKey.objects.get(key=key).object_id == str(Visit.objects.get().pk)
    client.post(url, visit_form(str(uuid.uuid4())))  # a new form is a new visit
    assert Visit.objects.filter(person=person_a).count() == 2


def test_it_keeps_the_id_of_a_form_shown_again_with_errors(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:record_create", args=[person_a.pk, "visit"])
    key = str(uuid.uuid4())
    refused = client.post(url, visit_form(key, visited_on="2999-01-01"))
    assert refused.status_code == 200 and str(refused.context["one_time_id"]) == key
    assert not OneTimeKey.objects.exists()  # refused: the id is not spent
    client.post(url, visit_form(key))
    assert Visit.objects.count() == 1


def test_it_saves_a_plain_creating_form_once(client, worker_a, person_a, township_b):
    client.force_login(worker_a)
    url = reverse("cases:transfer_start", args=[person_a.pk])
    data = {"to_township": township_b.code, "requested_on": "2024-05-02", "one_time_id": str(uuid.uuid4())}
    client.post(url, data)
    client.post(url, data)
    assert Transfer.objects.filter(person=person_a).count() == 1


def test_it_saves_a_repeated_api_post_once(client, worker_a, person_a):
    client.force_login(worker_a)
    url, key = reverse("api:visit-list"), str(uuid.uuid4())
    body = {"person": person_a.pk, "visited_on": "2024-05-02", "kind": "home"}
    first = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key})
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1
    other = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other.status_code == 201 and Visit.objects.count() == 2


def test_it_refuses_a_malformed_key_and_a_key_of_another_account(client, worker_a, worker_b, person_a, person_b):
    url, key = reverse("api:visit-list"), str(uuid.uuid4())
    client.force_login(worker_a)
    bad = client.post(
        url, {"person": person_a.pk, "visited_on": "2024-05-02"}, content_type="application/json",
        headers={"Idempotency-Key": "not-a-uuid"},
    )  # fmt: skip
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()
    client.post(url, {"person": person_a.pk, "visited_on": "2024-05-02"}, content_type="application/json",
                headers={"Idempotency-Key": key})  # fmt: skip
    client.force_login(worker_b)
    stolen = client.post(
        url, {"person": person_b.pk, "visited_on": "2024-05-02"}, content_type="application/json",
        headers={"Idempotency-Key": key},
    )  # fmt: skip
    assert stolen.status_code == 400 and str(person_a.pk) not in stolen.content.decode()
    assert list(Visit.objects.values_list("person", flat=True)) == [person_a.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers (CI runs PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_key_make_one_row(worker_a, person_a):
    """The second insert of the key fails on its primary key and takes its row back with it."""
    from django.test import Client

    key, results = str(uuid.uuid4()), []
    barrier = threading.Barrier(2)

    def post():
        client = Client()
        client.force_login(worker_a)
        barrier.wait()
        body = {"person": person_a.pk, "visited_on": "2024-05-02"}
        results.append(
            client.post(
                reverse("api:visit-list"), body, content_type="application/json", headers={"Idempotency-Key": key}
            ).status_code
        )
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 201]
    assert Visit.objects.count() == 1
