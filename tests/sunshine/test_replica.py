"""Reports read a real PostgreSQL streaming replica; writes, and a user's reads after their own writes, go to the
primary (sunshine/db_router.py).

Needs ``REPLICA_DATABASE_URL``: ``scripts/replica`` starts a standby of the local cluster on port 5433 and CI sets
it. The test database is made on the primary and reaches the standby by streaming, like any other change; the
``replica`` alias mirrors its name (settings). The tests commit (``transaction=True``) and wait for the standby to
replay before they ask it anything.
"""

import datetime as dt
import re
import time
from contextlib import ExitStack, contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.models import IndicatorSnapshot
from reporting.snapshots import snapshots_compute, snapshots_compute_range
from sunshine.db_router import PIN_COOKIE, REPLICA, primary_position, replica_has_replayed

from ..conftest import REPLICA_MIDDLEWARE
from ..factories import MeasureFactory, PersonFactory, make_id_number

if REPLICA not in settings.DATABASES:
    pytest.skip(
        "REPLICA_DATABASE_URL is not set: no replica to read (scripts/replica starts one; CI sets it)",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", REPLICA])]
DAY = dt.date(2012, 12, 31)


@pytest.fixture(autouse=True)
def _replica_reads(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, REPLICA_MIDDLEWARE]


def wait_for_replica(seconds: float = 30) -> None:
    """Until the standby has replayed everything committed on the primary so far."""
    target, deadline = primary_position(), time.monotonic() + seconds
    while not replica_has_replayed(target):
        assert time.monotonic() < deadline, f"the replica did not replay up to {target} in {seconds} s"
        time.sleep(0.05)


@contextmanager
def replay_paused():
    """The standby keeps answering but stops replaying the primary's WAL: a replica lagging as far as we like."""
    replica = settings.DATABASES[REPLICA]
    admin = psycopg2.connect(host=replica["HOST"], port=replica["PORT"], user="postgres", dbname="postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()")
            for _ in range(200):
                cursor.execute("SELECT pg_get_wal_replay_pause_state()")
                if cursor.fetchone()[0] == "paused":
                    break
                time.sleep(0.05)
        yield
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        admin.close()


@contextmanager
def queries():
    """The statements each server received meanwhile: {"default": [...], "replica": [...]}."""
    with ExitStack() as stack:
        captured = {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections}
        seen = {}
        yield seen
    seen.update({alias: [query["sql"] for query in capture.captured_queries] for alias, capture in captured.items()})


def touches(statements: list[str], table: str) -> bool:
    return any(f'"{table}"' in sql for sql in statements)


@pytest.fixture
def county_figures(township_a, township_b):
    """Three persons of county 520102 registered in 2010, two under a measure; the county's figures of DAY."""
    for township, measured in ((township_a, True), (township_a, False), (township_b, True)):
        person = PersonFactory(township=township, registered_on=dt.date(2010, 1, 1))
        if measured:
            MeasureFactory(person=person)
    list(snapshots_compute_range([DAY]))  # stores no classes: the drill-downs class the persons from their records
    return {
        indicator: IndicatorSnapshot.objects.get(region_id="520102", date=DAY, indicator=indicator)
        for indicator in ("registered", "control_rate")
    }


def test_the_replica_alias_is_a_standby_streaming_the_test_database():
    wait_for_replica()
    servers = {}
    for alias in ("default", REPLICA):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), inet_server_port(), current_database()")
            servers[alias] = cursor.fetchone()
    test_database = connections["default"].settings_dict["NAME"]
    assert servers["default"] == (False, int(settings.DATABASES["default"]["PORT"] or 5432), test_database)
    assert servers[REPLICA] == (True, int(settings.DATABASES[REPLICA]["PORT"]), test_database)


def test_report_pages_read_the_replica_and_everything_else_the_primary(
    client, county_officer, county_figures, township_a
):
    wait_for_replica()
    client.force_login(county_officer)
    with queries() as dashboard:
        response = client.get(reverse("reporting:dashboard"))
    tile = next(tile for tile in response.context["board"].tiles if tile.code == "control_rate")
    assert (tile.snapshot.numerator, tile.snapshot.denominator) == (2, 3)
    with queries() as drill_down:
        response = client.get(reverse("reporting:drill_down", args=[county_figures["control_rate"].pk]))
    assert [count for _key, _label, count in response.context["tabs"]] == [1, 2, 3]
    for page, statements in ((dashboard, 5), (drill_down, 2)):
        # the primary: the session and the account (read before the view); on the first page after signing in the
        # session written too (savepoint, update, release), then at most once a minute
        assert tables(page["default"]) == {"django_session", "sunshine_user"} and len(page["default"]) == statements
        # the replica: whether it has replayed the user's last write (no mark: whether it answers), then the report
        assert "pg_last_wal_replay_lsn()" in page[REPLICA][0]
        assert not tables(page[REPLICA]) & {"django_session", "sunshine_user"}
    assert "reporting_indicatorsnapshot" in tables(dashboard[REPLICA])
    assert facts(drill_down[REPLICA])
    assert {"cases_person", "reporting_indicatorsnapshot"} <= tables(drill_down[REPLICA])
    snapshots_compute(day=DAY)  # a nightly run: the drill-down pages the classes it stored, read on the replica too
    wait_for_replica()
    with queries() as stored:
        response = client.get(reverse("reporting:drill_down", args=[county_figures["control_rate"].pk]))
    assert [count for _key, _label, count in response.context["tabs"]] == [1, 2, 3]
    assert any("reporting_classedperson" in sql for sql in stored[REPLICA]) and not facts(stored[REPLICA])
    assert tables(stored["default"]) == {"django_session", "sunshine_user"}

    with queries() as person_list:  # a list to work from: the primary's rows of this instant
        assert client.get(reverse("cases:person_list")).status_code == 200
    assert "cases_person" in tables(person_list["default"]) and person_list[REPLICA] == []

    with queries() as write:
        response = client.post(reverse("cases:person_create"), new_person("丙新", township_a))
    assert response.status_code == 302 and write[REPLICA] == []
    assert any(sql.startswith('INSERT INTO "cases_person"') for sql in write["default"])
    mark = client.cookies[PIN_COOKIE].value  # the primary's WAL position after the write
    assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", mark) and client.cookies[PIN_COOKIE]["httponly"]


def test_a_lagging_replica_never_shows_users_a_page_without_their_own_new_record(
    client, county_officer, prefecture_officer, county_figures, township_a
):
    registered = reverse("reporting:drill_down", args=[county_figures["registered"].pk])
    other = Client()
    other.force_login(prefecture_officer)
    client.force_login(county_officer)
    wait_for_replica()
    with replay_paused():
        assert client.post(reverse("cases:person_create"), new_person("丙新", township_a)).status_code == 302
        assert replica_has_replayed(None) and not replica_has_replayed(client.cookies[PIN_COOKIE].value)
        with queries() as own:
            response = client.get(registered)
        assert "丙新" in names(response)  # the officer's own new person, read on the primary
        assert len(own[REPLICA]) == 1 and "pg_last_wal_replay_lsn()" in own[REPLICA][0]  # asked, and not yet there
        assert facts(own["default"])
        assert response.cookies == {} or PIN_COOKIE not in response.cookies  # still marked until the replica has it
        with queries() as others:
            response = other.get(registered)
        # another office, with no write of its own, reads the lagging replica: the new person is not there yet
        assert "丙新" not in names(response) and len(names(response)) == 3
        assert facts(others[REPLICA])
        assert not facts(others["default"])
    wait_for_replica()
    with queries() as caught_up:
        response = client.get(registered)
    assert "丙新" in names(response) and facts(caught_up[REPLICA])
    assert response.cookies[PIN_COOKIE].value == ""  # replayed: the mark is dropped, the replica serves the officer
    assert "丙新" in names(other.get(registered))


def test_a_replica_that_does_not_answer_sends_report_pages_to_the_primary(client, county_officer, county_figures):
    client.force_login(county_officer)
    replica = connections[REPLICA]
    replica.close()
    port, replica.settings_dict["PORT"] = replica.settings_dict["PORT"], 1  # nothing listens there
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get(reverse("reporting:drill_down", args=[county_figures["control_rate"].pk]))
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
    assert [count for _key, _label, count in response.context["tabs"]] == [1, 2, 3]
    assert facts([query["sql"] for query in primary.captured_queries])


def new_person(name: str, township) -> dict:
    return {"id_number": make_id_number(901), "name": name, "township": township.code, "registered_on": "2012-06-01"}


def names(response) -> set[str]:
    return {person.name for person in response.context["persons"]}


def facts(statements: list[str]) -> bool:
    """Whether the indicators' facts statement (raw SQL: the drill-down's lists) is among the statements."""
    return any("WITH persons AS" in sql for sql in statements)


def tables(statements: list[str]) -> set[str]:
    """The tables the statements read or write."""
    return {name for sql in statements for name in re.findall(r'(?:FROM|JOIN|UPDATE|INTO) "(\w+)"', sql)}
