import pytest
from django.urls import reverse

from sunshine.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_opening_a_file_and_revealing_the_id_are_audited(client, police_a, person_a):
    client.force_login(police_a)
    client.get(person_a.get_absolute_url())
    reveal = client.post(reverse("cases:person_reveal_id", args=[person_a.pk]))
    assert person_a.id_number in reveal.content.decode()
    events = list(AuditEntry.objects.filter(actor=police_a).values_list("event", "object_pk", "region_id"))
    assert ("view", str(person_a.pk), person_a.township_id) in events
    assert ("reveal_id", str(person_a.pk), person_a.township_id) in events


def test_changes_are_recorded_with_the_id_number_masked(client, worker_a, person_a):
    client.force_login(worker_a)
    client.patch(
        reverse("api:person-detail", args=[person_a.pk]), {"phone": "13800000000"}, content_type="application/json"
    )
    entry = AuditEntry.objects.get(event="update", object_pk=str(person_a.pk))
    assert entry.changes["phone"][1] == "13800000000" and entry.actor == worker_a


def test_the_log_is_scoped_and_searchable(
    client, worker_a, worker_b, county_officer, other_county_officer, person_a, person_b
):
    for worker, person in ((worker_a, person_a), (worker_b, person_b)):
        client.force_login(worker)
        client.get(person.get_absolute_url())
    client.force_login(county_officer)
    seen = client.get(reverse("audit_log"), {"event": "view"}).context["object_list"]
    assert {entry.object_repr for entry in seen} == {person_a.name, person_b.name}
    searched = client.get(reverse("audit_log"), {"q": person_a.name}).context["object_list"]
    assert {entry.object_repr for entry in searched} == {person_a.name}
    client.force_login(other_county_officer)
    assert list(client.get(reverse("audit_log")).context["object_list"]) == [
        e for e in AuditEntry.objects.filter(actor=other_county_officer)
    ]


def test_a_bad_date_filter_is_ignored_not_a_crash(client, county_officer):
    client.force_login(county_officer)
    assert client.get(reverse("audit_log"), {"since": "2011-13-45"}).status_code == 200


def test_the_audit_log_page_has_a_fixed_query_count(
    client, county_officer, worker_a, person_a, django_assert_max_num_queries
):
    client.force_login(worker_a)
    for _ in range(20):
        client.get(person_a.get_absolute_url())
    client.force_login(county_officer)
    # session, user, user's region, count, one page of entries with actor/content type/region, session save (3)
    with django_assert_max_num_queries(8):
        client.get(reverse("audit_log"))
