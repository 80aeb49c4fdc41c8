"""The scoping mechanism itself: containment by code prefix, roles, and the PostgreSQL prefix index."""

import pytest
from django.db import connection

from cases.models import Measure, Person, Transfer, Visit
from sunshine.access import Scope

from ..conftest import SEES

pytestmark = pytest.mark.django_db


def test_visible_to_follows_the_region_prefix(cast, persons):
    names = {person.pk: key for key, person in persons.items()}
    for who, user in cast.items():
        assert {names[pk] for pk in Person.objects.visible_to(user).values_list("pk", flat=True)} == SEES[who], who


def test_records_are_scoped_through_their_person(cast, persons):
    from ..factories import RECORD_FACTORIES, MeasureFactory

    for person in persons.values():
        MeasureFactory(person=person)
        RECORD_FACTORIES["visit"](person=person)
    for who, user in cast.items():
        expected = {persons[key].pk for key in SEES[who]}
        assert set(Visit.objects.visible_to(user).values_list("person", flat=True)) == expected, who
        assert set(Measure.objects.visible_to(user).values_list("person", flat=True)) == expected, who


def test_a_user_reaches_the_regions_within_their_own(cast, persons):
    # a region check, not a read right: the county's HR staff reach its townships though they see no person
    expected = {**SEES, "hr_staff": SEES["county_officer"]}
    for who, user in cast.items():
        # (person s, sealed, lies in township A: a region check is not a read right either)
        reached = {key for key, person in persons.items() if user.reaches(person.township_id)} - {"s"}
        assert reached == expected[who], who
    assert cast["county_officer"].reaches(cast["county_officer"].region)
    assert not cast["county_officer"].reaches(cast["county_officer"].region.parent)


def test_editable_by_is_visible_and_the_right_role(cast, persons):
    assert set(Person.objects.editable_by(cast["police_a"])) == set()
    assert set(Person.objects.editable_by(cast["worker_a"])) == {persons["a"]}
    assert set(Person.objects.editable_by(cast["prefecture_officer"])) == set()  # sees, changes nothing personal


def test_department_staff_see_only_their_domain(db, township_a):
    from ..factories import StaffFactory

    health = StaffFactory(role="department_staff", department="health", region_id="520102")
    hr = StaffFactory(role="department_staff", department="hr", region_id="520102")
    scope = Scope(path="township", departments=("health",))
    assert scope.may_read(health) and not scope.may_read(hr)
    assert not Person.scope.may_read(health)


def test_a_transfer_is_seen_from_both_townships(worker_a, worker_b, person_a, township_b):
    import datetime as dt

    transfer = Transfer.objects.create(
        person=person_a, from_township=person_a.township, to_township=township_b, requested_on=dt.date(2012, 1, 1)
    )
    assert list(Transfer.objects.visible_to(worker_a)) == list(Transfer.objects.visible_to(worker_b)) == [transfer]


def test_scoped_tables_have_a_prefix_index():
    """On PostgreSQL the index uses varchar_pattern_ops, so LIKE '5201%' can use it whatever the collation."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    assert constraints["person_township_prefix"]["columns"][0] == "township_id"  # (PostgreSQL: the id included)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_township_prefix'")
            definition = cursor.fetchone()[0]
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN SELECT id FROM cases_person WHERE township_id LIKE %s", ["5201%"])
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "person_township_prefix" in plan and "varchar_pattern_ops" in definition
        # it carries the id and the seal: a region's persons by id (a drill-down's count joins them) and the scope's
        # condition (the township, not sealed) read from the index alone
        assert "INCLUDE (id, sealed)" in definition


def test_actions_are_asked_of_the_declaration(cast, persons, township_b):
    """The declarations beside the scopes, for the cast by name (the matrix and the pages follow them)."""
    import datetime as dt

    from cases.models import UrineTest
    from sunshine.access import may

    from ..factories import MeasureFactory

    outgoing = Transfer.objects.create(
        person=persons["a"],
        from_township=persons["a"].township,
        to_township=township_b,
        requested_on=dt.date(2012, 1, 1),
    )
    accepts = {who for who, user in cast.items() if may(user, "accept", outgoing)}
    assert accepts == {"worker_b", "county_officer"}  # never the sending worker (issue 12, finding 9)
    assert {who for who, user in cast.items() if may(user, "reject", outgoing)} == {
        "worker_a",
        "worker_b",
        "county_officer",
    }
    assert {who for who, user in cast.items() if may(user, "approve", outgoing)} == {"county_officer"}

    assert {who for who, user in cast.items() if may(user, "add", Visit)} == {
        "worker_a",
        "worker_b",
        "county_officer",
        "other_county_officer",
    }
    assert may(cast["police_a"], "add", UrineTest) and not may(cast["province_officer"], "add", UrineTest)

    measure = MeasureFactory(person=persons["a"])
    assert {who for who, user in cast.items() if may(user, "close", measure)} == {"county_officer"}
    assert {who for who, user in cast.items() if may(user, "change", measure)} == {"worker_a", "county_officer"}
    assert {who for who, user in cast.items() if may(user, "view", measure)} == {
        who for who, keys in SEES.items() if "a" in keys
    }


def test_nobody_signed_out_and_no_administrator_acts_on_personal_data(cast, persons):
    from django.apps import apps
    from django.contrib.auth.models import AnonymousUser

    from sunshine.access import may

    for model in apps.get_models():
        scope = getattr(model, "scope", None)
        if scope is None or scope.public:
            continue
        for action in {"view", "add", "change", *scope.actions}:
            assert not may(cast["sysadmin"], action, model), (model, action)
            assert not may(AnonymousUser(), action, model), (model, action)


def test_within_narrows_a_scoped_queryset_to_a_region_never_beyond_the_scope(cast, persons):
    from ..conftest import COUNTY, PREFECTURE

    province = Person.objects.visible_to(cast["province_officer"])
    assert set(province.within(COUNTY)) == {persons["a"], persons["b"]}  # not s: sealed, within or not
    assert set(province.within(persons["c"].township)) == {persons["c"]}
    assert set(province.within(PREFECTURE)) == {persons["a"], persons["b"], persons["c"]}
    assert set(province.within(persons["a"].township.region_code)) == {persons["a"]}
    county = Person.objects.visible_to(cast["county_officer"])
    assert set(county.within("52")) == set(county) == {persons["a"], persons["b"]}
    assert set(Person.objects.counted_by(cast["county_officer"]).within(COUNTY)) == {
        persons["a"], persons["b"], persons["s"]
    }  # fmt: skip


def test_within_follows_every_path_of_the_scope(person_a, township_c):
    import datetime as dt

    transfer = Transfer.objects.create(
        person=person_a, from_township=person_a.township, to_township=township_c, requested_on=dt.date(2012, 1, 1)
    )
    assert list(Transfer.objects.within(person_a.township.county)) == [transfer]
    assert list(Transfer.objects.within(township_c)) == [transfer]
    assert list(Transfer.objects.within(township_c.parent.parent.parent_id)) == [transfer]
    assert not Transfer.objects.within("520302").exists()


def test_the_system_reader_reads_and_counts_what_the_provincial_scope_did(cast, persons):
    """SYSTEM replaces a stand-in provincial officer (``province_scope()``): every scoped model gives the same rows
    and the same SQL, for reading (sealed persons left out) and for counting (sealed persons in)."""
    from types import SimpleNamespace

    from django.apps import apps

    from sunshine.access import SYSTEM
    from sunshine.choices import Role

    stand_in = SimpleNamespace(is_authenticated=True, role=Role.PROVINCE_OFFICER, region_id="52", department="")
    for model in apps.get_models():
        if hasattr(model, "scope"):
            for read in ("visible_to", "counted_by"):
                system, before = (str(getattr(model.objects, read)(user).query) for user in (SYSTEM, stand_in))
                assert system == before, (model, read)
    assert set(Person.objects.visible_to(SYSTEM)) == {persons[key] for key in "abcz"}
    assert set(Person.objects.counted_by(SYSTEM)) == set(persons.values())


def test_the_system_reader_changes_nothing_and_is_no_user(cast, persons, rf):
    from django.apps import apps
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore

    from cases.views import PersonListView
    from sunshine.access import SYSTEM, may
    from sunshine.models import User

    from ..factories import MeasureFactory

    measure = MeasureFactory(person=persons["a"])
    for model in apps.get_models():
        scope = getattr(model, "scope", None)
        if scope is not None:
            assert not model.objects.editable_by(SYSTEM).exists(), model
            for action in {"add", "change", *scope.actions}:
                assert not may(SYSTEM, action, model), (model, action)
    assert not any(may(SYSTEM, action, measure) for action in ("view", "change", "close"))
    assert not may(SYSTEM, "change", persons["a"])
    # not authenticated, not an account: no sign-in, no session, no page
    assert not SYSTEM.is_authenticated and not isinstance(SYSTEM, User)
    request = rf.get("/")
    request.session = SessionStore()
    with pytest.raises(AttributeError):
        login(request, SYSTEM, backend="django.contrib.auth.backends.ModelBackend")  # no _meta, no pk
    request.user = SYSTEM
    assert PersonListView.as_view()(request).status_code == 302  # to the sign-in page, like a stranger
    with pytest.raises(AttributeError):
        SYSTEM.region_id = "520102"  # frozen
