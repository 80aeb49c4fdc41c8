"""The named cast every test uses (house style: Alice owns, Bob is on the team, Charlie sees nothing).

Regions are real Guizhou divisions, loaded once per database:

- township A and township B: two townships of 南明区 (520102), 贵阳市 (5201)
- township C: a township of 云岩区 (520103), the other county of the same prefecture
- township Z: a township of 红花岗区 (520302), 遵义市 (5203), another prefecture

Who must see which person (the permission matrix asserts exactly this table):

| user                 | region          | sees persons  |
|----------------------|-----------------|---------------|
| worker_a             | township A      | a             |
| worker_b             | township B      | b             |
| police_a             | township A      | a             |
| county_officer       | 520102          | a, b          |
| other_county_officer | 520103          | c             |
| prefecture_officer   | 5201            | a, b, c       |
| province_officer     | 52              | a, b, c, z    |
| hr_staff             | 520102 (HR)     | none          |
| sysadmin             | (none)          | none          |

Person s lives in township A but their file is sealed (DESIGN §3b): nobody sees them, without a lawful-query grant.
"""

import io
import os

import pytest
from django.core.management import call_command

from sunshine.models import Region

from .factories import PersonFactory, StaffFactory, seal

COUNTY = "520102"
OTHER_COUNTY = "520103"
PREFECTURE = "5201"
OTHER_PREFECTURE_COUNTY = "520302"

SEES = {
    "worker_a": {"a"},
    "worker_b": {"b"},
    "police_a": {"a"},
    "county_officer": {"a", "b"},
    "other_county_officer": {"c"},
    "prefecture_officer": {"a", "b", "c"},
    "province_officer": {"a", "b", "c", "z"},
    "hr_staff": set(),
    "sysadmin": set(),
}
# Who may change a person of their scope (DESIGN §1).
# Routes report pages to the replica; only the replica tests keep it (see _reports_on_the_primary).
REPLICA_MIDDLEWARE = "sunshine.db_router.ReplicaReadsMiddleware"
PERSON_EDITORS = {"worker_a", "worker_b", "county_officer", "other_county_officer"}
CAST = list(SEES)
# Whose accounts each account manager keeps (DESIGN §1: the levels below, in their own region).
MANAGES = {
    "county_officer": {"worker_a", "worker_b", "police_a", "hr_staff"},
    "other_county_officer": set(),
    "prefecture_officer": {"worker_a", "worker_b", "police_a", "hr_staff", "county_officer", "other_county_officer"},
    "province_officer": set(SEES) - {"province_officer", "sysadmin"},
    "sysadmin": {"sysadmin"},  # system administrators only: no account that reads personal data
}


@pytest.fixture(autouse=True)
def _regions(request):
    """Real divisions and the opinion's seeded targets in every database a test uses, as the migrations leave
    them (transactional tests flush the tables, so put them back)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if uses_db and not Region.objects.filter(level="township").exists():
        call_command("load_regions", stdout=io.StringIO())
    if uses_db:
        _seed_targets()


def _seed_targets():
    """The targets migration 0003 seeds, in force from 2011 (0004), the yearly base targets moved (0005)."""
    import datetime as dt
    import importlib

    from django.apps import apps

    from reporting.models import Target

    if Target.objects.exists():
        return
    importlib.import_module("reporting.migrations.0003_targets").seed(apps, None)
    Target.objects.update(effective_from=dt.date(2011, 1, 1))
    importlib.import_module("reporting.migrations.0005_per_year_base_targets").move(apps, None)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Most tests are about something else; the two-factor tests switch it back on."""
    settings.REQUIRE_2FA = False
    # Serve static files from the source folders (production uses the collected, hashed manifest).
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _print_fonts():
    """The PDF print fonts, cut once where they are missing (``./dev run`` and ``./dev check`` cut them too)."""
    call_command("build_print_fonts")


@pytest.fixture(autouse=True, scope="session")
def _reports_on_the_primary():
    """Reports read the replica (REPLICA_DATABASE_URL, as in CI) only in the tests marked ``replica``, which put the
    middleware back (tests/sunshine/test_replica.py): elsewhere a test's rows exist on the primary alone (uncommitted
    in its transaction, or not yet replayed). Session-wide, so the browser tests' live server starts without it."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(MIDDLEWARE=[name for name in settings.MIDDLEWARE if name != REPLICA_MIDDLEWARE]):
        yield


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Celery tasks run in the test's own process, even where REDIS_URL is set (CI), except in the tests
    marked ``worker``, which start a real worker and send it tasks through Redis."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from sunshine.celery import app

    # Celery reads the CELERY_-prefixed Django setting before its own name, so that is the one to switch.
    eager = app.conf.get("CELERY_TASK_ALWAYS_EAGER")
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = eager


def pytest_sessionfinish(session, exitstatus):
    """In CI the real services are there, so a skipped test is a failure, not a pass."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line(f"CI: {len(reporter.stats['skipped'])} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1


def _townships(county: str) -> list[Region]:
    return list(Region.objects.filter(parent_id=county).order_by("code")[:2])


@pytest.fixture
def township_a(db):
    return _townships(COUNTY)[0]


@pytest.fixture
def township_b(db):
    return _townships(COUNTY)[1]


@pytest.fixture
def township_c(db):
    return _townships(OTHER_COUNTY)[0]


@pytest.fixture
def township_z(db):
    return _townships(OTHER_PREFECTURE_COUNTY)[0]


@pytest.fixture
def worker_a(township_a):
    return StaffFactory(username="worker_a", role="township_worker", region=township_a)


@pytest.fixture
def worker_b(township_b):
    return StaffFactory(username="worker_b", role="township_worker", region=township_b)


@pytest.fixture
def police_a(township_a):
    return StaffFactory(username="police_a", role="community_police", region=township_a)


@pytest.fixture
def county_officer(db):
    return StaffFactory(username="county_officer", role="county_officer", region_id=COUNTY)


@pytest.fixture
def other_county_officer(db):
    return StaffFactory(username="other_county_officer", role="county_officer", region_id=OTHER_COUNTY)


@pytest.fixture
def prefecture_officer(db):
    return StaffFactory(username="prefecture_officer", role="prefecture_officer", region_id=PREFECTURE)


@pytest.fixture
def province_officer(db):
    return StaffFactory(username="province_officer", role="province_officer", region_id="52")


@pytest.fixture
def hr_staff(db):
    return StaffFactory(username="hr_staff", role="department_staff", department="hr", region_id=COUNTY)


@pytest.fixture
def sysadmin(db):
    return StaffFactory(username="sysadmin", role="sysadmin", region=None, is_staff=True)


@pytest.fixture
def cast(request):
    """Every member of the cast, by name."""
    return {name: request.getfixturevalue(name) for name in CAST}


@pytest.fixture
def person_a(township_a):
    return PersonFactory(name="甲某", township=township_a)


@pytest.fixture
def person_b(township_b):
    return PersonFactory(name="乙某", township=township_b)


@pytest.fixture
def person_c(township_c):
    return PersonFactory(name="丙某", township=township_c)


@pytest.fixture
def person_z(township_z):
    return PersonFactory(name="丁某", township=township_z)


@pytest.fixture
def person_s(township_a):
    """Sealed, in township A: in everyone's region, visible to no one."""
    return seal(PersonFactory(name="戊某", township=township_a))


@pytest.fixture
def persons(person_a, person_b, person_c, person_z, person_s):
    return {"a": person_a, "b": person_b, "c": person_c, "z": person_z, "s": person_s}
