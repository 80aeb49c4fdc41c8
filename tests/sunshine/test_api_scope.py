"""One scoped API base, scoped filter sets and a browsable API without forms (issue 12, finding 2)."""

import pytest
from django.urls import reverse

from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.filters import ScopedFilterSet
from sunshine.urls import api_urls

from ..factories import RECORD_FACTORIES

pytestmark = pytest.mark.django_db

# The division hierarchy is public knowledge, not a scoped model; API tokens are their owner's alone
# (the queryset is the caller's own tokens), not personal data of a region.
UNSCOPED = {"RegionViewSet", "ApiTokenViewSet"}


def _viewsets():
    seen = {}
    for pattern in api_urls[0]:
        view_class = getattr(getattr(pattern, "callback", None), "cls", None)
        if view_class is not None and hasattr(view_class, "get_extra_actions"):
            seen[view_class.__name__] = view_class
    return seen


def test_every_viewset_derives_from_the_scoped_base():
    viewsets = _viewsets()
    assert len(viewsets) > 15
    outside = {name for name, view in viewsets.items() if not issubclass(view, ScopedModelViewSet)}
    assert outside == UNSCOPED
    for name, view in viewsets.items():
        if view.__dict__.get("filterset_class"):
            assert issubclass(view.filterset_class, ScopedFilterSet), name


@pytest.mark.parametrize("endpoint", ["visit", "urine-test", "counselling"])
def test_a_person_filter_answers_alike_for_another_regions_person_and_a_missing_one(
    endpoint, client, county_officer, person_a, person_z
):
    RECORD_FACTORIES[endpoint](person=person_a)
    RECORD_FACTORIES[endpoint](person=person_z)
    client.force_login(county_officer)
    url = reverse(f"api:{endpoint}-list")
    own = client.get(url, {"person": person_a.pk})
    assert own.status_code == 200 and own.json()["count"] == 1
    elsewhere = client.get(url, {"person": person_z.pk})
    missing = client.get(url, {"person": 10**9})
    assert elsewhere.status_code == missing.status_code == 400
    assert str(person_z.pk) not in elsewhere.content.decode().replace(str(10**9), "")
    assert elsewhere.json().keys() == missing.json().keys() == {"person"}


def test_the_browsable_api_draws_no_form_and_names_no_one_outside_the_scope(client, worker_a, person_a, person_z):
    RECORD_FACTORIES["visit"](person=person_a)
    RECORD_FACTORIES["visit"](person=person_z)
    client.force_login(worker_a)
    response = client.get(reverse("api:visit-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert person_z.name not in body
    assert 'name="person"' not in body and "<select" not in body  # no filter form, no write form
    assert 'method="POST"' not in body.replace("logout", "")


def test_an_alert_is_read_through_the_scoped_base(client, worker_a, person_a, person_z):
    import datetime as dt

    from cases.models import Alert

    Alert.objects.create(person=person_z, kind="tests_missed", raised_on=dt.date(2012, 1, 1), count=3)
    alert = Alert.objects.create(person=person_a, kind="tests_missed", raised_on=dt.date(2012, 1, 1), count=3)
    client.force_login(worker_a)
    assert [row["id"] for row in client.get(reverse("api:alert-list")).json()["results"]] == [alert.pk]
    assert client.get(reverse("api:alert-list"), {"person": person_z.pk}).status_code == 400
    response = client.patch(reverse("api:alert-detail", kwargs={"pk": alert.pk}), {}, content_type="application/json")
    assert response.status_code == 405
