"""The permission matrix: every route × every member of the cast × in-scope and out-of-scope objects."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from sunshine.access import may
from sunshine.models import WorkerHeartbeat

from .conftest import CAST, MANAGES, PERSON_EDITORS, SEES
from .permission_matrix import (
    BUILDERS,
    EXCLUDED,
    EXCLUDED_NAMESPACES,
    OBJECT_SEES,
    REGION_KEYS,
    ROUTES,
    ObjectRoute,
    PersonRoute,
    Public,
    RegionRoute,
    Roles,
    SignedIn,
    StaffRoute,
)

pytestmark = pytest.mark.django_db

# Each person's transfer goes to the other township of the same pair (a ↔ b), so both sides see it.
TRANSFER_SEES = {
    "worker_a": {"a", "b"},
    "worker_b": {"a", "b"},
    "police_a": {"a", "b"},
    "county_officer": {"a", "b"},
    "other_county_officer": {"c"},
    "prefecture_officer": {"a", "b", "c"},
    "province_officer": {"a", "b", "c", "z"},
    "hr_staff": set(),
    "sysadmin": set(),
}
# Measures are also the health department's domain; nobody in the cast is health staff.


def build_objects(persons, township_a, township_b):
    """One record of every kind for each person."""
    from cases.models import Alert, Transfer
    from sunshine.models import Region

    from .factories import RECORD_FACTORIES, MeasureFactory

    objects = {name: {} for name in [*RECORD_FACTORIES, "measure", "transfer", "alert"]}
    for key, person in persons.items():
        for name, factory in RECORD_FACTORIES.items():
            objects[name][key] = factory(person=person)
        objects["measure"][key] = measure = MeasureFactory(person=person)
        other = {"a": township_b, "b": township_a}.get(key) or Region.objects.filter(
            parent_id=person.township.parent_id
        ).exclude(code=person.township_id).first()
        objects["transfer"][key] = Transfer.objects.create(
            person=person, from_township=person.township, to_township=other, requested_on=dt.date(2012, 1, 1)
        )
        objects["alert"][key] = Alert.objects.create(
            person=person, measure=measure, kind="tests_missed", raised_on=dt.date(2012, 1, 1), count=3
        )
    for name, build in BUILDERS.items():
        if getattr(build, "per_region", False):
            objects[name] = {key: build(persons[key].township.parent_id) for key in REGION_KEYS}
        else:
            objects[name] = {key: build(person) for key, person in persons.items()}
    return objects


def _route_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in EXCLUDED_NAMESPACES:
                yield from _route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_is_in_the_matrix():
    routes = set(_route_names()) - EXCLUDED
    assert routes - set(ROUTES) == set(), "add these routes to tests/permission_matrix.py"
    assert set(ROUTES) - routes == set(), "the matrix names routes that no longer exist"


def _call(client, method, url):
    return getattr(client, method)(url)


def _anonymous_refused(response, name):
    if name.startswith("api:") or name in {"schema", "api_docs"}:
        return response.status_code in {401, 403}
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


MATRIX = [(name, spec) for name, spec in ROUTES.items()]


@pytest.mark.parametrize(("name", "spec"), MATRIX, ids=[name for name, _ in MATRIX])
def test_permission_matrix(name, spec, client, cast, persons, township_a, township_b):
    objects = build_objects(persons, township_a, township_b)
    WorkerHeartbeat.objects.create(hostname="matrix", seen_at=timezone.now())  # /health/ finds a live worker
    for who in [None, *CAST]:
        client.logout()
        user = cast.get(who)
        if user is not None:
            client.force_login(user)
        if isinstance(spec, Public):
            url = reverse(name)
            expected = spec.signed_in if who and spec.signed_in else spec.ok
            assert _call(client, spec.method, url).status_code == expected, (name, who)
        elif isinstance(spec, SignedIn):
            response = _call(client, spec.method, reverse(name, kwargs=spec.kwargs))
            if who is None:
                assert _anonymous_refused(response, name), (name, response.status_code)
                continue
            assert response.status_code == 200, (name, who, response.status_code)
            if spec.lists_persons:
                body = response.content.decode()
                for key, person in persons.items():
                    assert (person.name in body) == (key in SEES[who]), (name, who, key)
            if name.startswith("api:"):  # the browsable API too: what a library draws (a filter form) stays scoped
                html = client.get(reverse(name, kwargs=spec.kwargs), HTTP_ACCEPT="text/html")
                assert html.status_code == 200 and "<html" in html.content.decode(), (name, who)
                for key, person in persons.items():
                    assert key in SEES[who] or person.name not in html.content.decode(), (name, who, key)
        elif isinstance(spec, Roles):
            response = _call(client, spec.method, reverse(name))
            if who is None:
                assert _anonymous_refused(response, name), (name, response.status_code)
                continue
            assert response.status_code == (200 if who in spec.roles else 403), (name, who, response.status_code)
        elif isinstance(spec, PersonRoute):
            editors = PERSON_EDITORS if spec.edit else spec.editors
            for key, person in persons.items():
                response = _call(client, spec.method, reverse(name, kwargs={"pk": person.pk, **spec.kwargs}))
                if who is None:
                    assert _anonymous_refused(response, name), (name, response.status_code)
                    continue
                if spec.action:
                    editors = _actors(cast, spec.action, apps.get_model(spec.model) if spec.model else person)
                expected = _expected(who, key, SEES, editors, spec.ok)
                assert response.status_code == expected, (name, who, key, response.status_code)
                if expected == 200 and spec.method == "get":
                    assert person.name in response.content.decode()
            # an id that does not exist answers exactly like one the user may not see
            if who is not None:
                missing = reverse(name, kwargs={"pk": 10**9, **spec.kwargs})
                assert _call(client, spec.method, missing).status_code == 404
        elif isinstance(spec, RegionRoute):
            if spec.method != "get":
                objects = build_objects(persons, township_a, township_b)
            for key in REGION_KEYS:
                obj = objects[spec.obj][key]
                response = _call(client, spec.method, reverse(name, kwargs={"pk": obj.pk, **spec.kwargs}))
                if who is None:
                    assert _anonymous_refused(response, name), (name, response.status_code)
                    continue
                reads = spec.readers is None or who in spec.readers
                edits = spec.editors is None or key in spec.editors.get(who, set())
                expected = spec.ok if reads and edits else (spec.refuse if reads else 404)
                assert response.status_code == expected, (name, who, key, response.status_code)
        elif isinstance(spec, ObjectRoute):
            sees = TRANSFER_SEES if spec.obj == "transfer" else SEES
            if spec.obj in OBJECT_SEES:
                sees = {who: SEES[who] | OBJECT_SEES[spec.obj].get(who, set()) for who in SEES}
            if spec.method != "get":  # a decision may change the object: fresh ones for every user
                objects = build_objects(persons, township_a, township_b)
            for key in persons:
                obj = objects[spec.obj][key]
                response = _call(client, spec.method, reverse(name, kwargs={"pk": obj.pk, **spec.kwargs}))
                if who is None:
                    assert _anonymous_refused(response, name), (name, response.status_code)
                    continue
                editors = _actors(cast, spec.action, obj) if spec.action else spec.editors
                expected = _expected(who, key, sees, editors, spec.ok)
                if expected is None:
                    assert response.status_code not in (404, 500), (name, who, key, response.status_code)
                else:
                    assert response.status_code == expected, (name, who, key, response.status_code)
            if who is not None:
                missing = reverse(name, kwargs={"pk": 10**9, **spec.kwargs})
                assert _call(client, spec.method, missing).status_code == 404
        elif isinstance(spec, StaffRoute):
            for target in CAST:
                response = client.get(reverse(name, kwargs={"pk": cast[target].pk}))
                if who is None:
                    assert _anonymous_refused(response, name)
                    continue
                if who not in MANAGES:
                    assert response.status_code == 403, (name, who, target)
                else:
                    assert response.status_code == (200 if target in MANAGES[who] else 404), (name, who, target)
        else:  # pragma: no cover
            raise AssertionError(f"unknown route spec {spec!r}")


def _actors(cast, action, target):
    """Who may do ``action`` to ``target``, from its declaration beside the model's scope (not written here)."""
    return frozenset(who for who, user in cast.items() if may(user, action, target))


def _expected(who, key, sees, editors, ok):
    if key not in sees[who]:
        return 404
    if editors is not None and who not in editors:
        return 403
    return ok


@pytest.mark.parametrize("who", CAST)
def test_api_writes_follow_the_scope(who, client, cast, persons):
    """PATCH on every person: editors in scope 200, viewers 403, everybody else 404; nothing changes otherwise."""
    client.force_login(cast[who])
    for key, person in persons.items():
        response = client.patch(
            reverse("api:person-detail", kwargs={"pk": person.pk}),
            {"notes": f"by {who}"},
            content_type="application/json",
        )
        if key not in SEES[who]:
            assert response.status_code == 404
        elif who not in PERSON_EDITORS:
            assert response.status_code == 403
        else:
            assert response.status_code == 200, response.content
        person.refresh_from_db()
        assert (person.notes == f"by {who}") == (response.status_code == 200)


API_DETAILS = [
    (name, spec)
    for name, spec in ROUTES.items()
    if name.startswith("api:") and name.endswith("-detail") and isinstance(spec, (PersonRoute, ObjectRoute))
]


# A PATCH of a measure that is not the township's report (reported_on, agreement_on) is a correction, and a PATCH
# of a benefit corrects the application: both declared as "correct".
PATCH_ACTIONS = {"api:measure-detail": "correct", "api:benefit-detail": "correct"}


@pytest.mark.parametrize(("name", "spec"), API_DETAILS, ids=[name for name, _ in API_DETAILS])
def test_api_detail_writes_follow_the_declaration(name, spec, client, cast, persons, township_a, township_b):
    """PATCH and DELETE on every API record, as every member of the cast, for every person (the sealed one too):
    out of scope 404, seen but not changeable (``may(user, "change", row)``) 403, else 200; DELETE is not offered
    (405) to anyone signed in: personal records are corrected or closed, never deleted through the API."""
    objects = build_objects(persons, township_a, township_b)
    sees = TRANSFER_SEES if getattr(spec, "obj", None) == "transfer" else SEES
    if getattr(spec, "obj", None) in OBJECT_SEES:
        sees = {who: SEES[who] | OBJECT_SEES[spec.obj].get(who, set()) for who in SEES}
    for who in [None, *CAST]:
        client.logout()
        if who is not None:
            client.force_login(cast[who])
        for key, person in persons.items():
            obj = person if isinstance(spec, PersonRoute) else objects[spec.obj][key]
            url = reverse(name, kwargs={"pk": obj.pk})
            patches = "patch" in resolve(url).func.cls.http_method_names
            response = client.patch(url, {}, content_type="application/json")
            deleted = client.delete(url)
            if who is None:
                assert response.status_code in {401, 403} and deleted.status_code in {401, 403}, (name, key)
                continue
            assert deleted.status_code == 405, (name, who, key, deleted.status_code)
            if not patches:
                expected = 405
            elif key not in sees[who]:
                expected = 404
            else:
                expected = 200 if may(cast[who], PATCH_ACTIONS.get(name, "change"), obj) else 403
            if expected == 200:  # the empty change may still meet the record's own checks: a field message
                assert response.status_code in {200, 400}, (name, who, key, response.status_code)
            else:
                assert response.status_code == expected, (name, who, key, response.status_code)
        assert type(obj).objects.filter(pk=obj.pk).exists()
