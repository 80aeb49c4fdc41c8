"""Static rules that keep region scoping in one place (DESIGN §2, house style "Scoping")."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin

from cases.models import Person
from sunshine.access import ScopedQuerySet

ROOT = Path(settings.BASE_DIR)
APPS = ["sunshine", "cases", "training", "placement", "welfare", "reporting", "outcomes", "demo"]
# Writes (services), model definitions, commands and the mechanism itself may use the raw manager;
# so may the pathway facts of each app's person_file module, computed for person ids its caller obtained through
# the scope (their timeline and work sources there read through visible_to all the same),
# the save path's conflict message, which reads the audit entries of the one record being saved, reporting's
# writes kept apart from its services (the nightly snapshots; targets, whose look-up reads the regions above the
# viewer's, which apply to it), and the demo population, which writes every app's rows.
ALLOWED = {
    "models.py",
    "services.py",
    "access.py",
    "audit.py",
    "person_file.py",
    "concurrency.py",
    "snapshots.py",
    "targets.py",
}
ALLOWED_DIRS = {"migrations", "management", "services", "models", "demo"}


# Reads that include sealed persons (DESIGN §3b): for figures only, in the modules that compute them.
COUNTS = "counted_by|sealed_from"
COUNTING_MODULES = {
    "reporting/indicators.py",
    "reporting/indicator_range.py",
    "reporting/dashboards.py",
    "outcomes/spells.py",
}


def scoped_models():
    return [model for model in apps.get_models() if hasattr(model, "scope")]


def unscoped_reads(text: str) -> list[str]:
    """Lines reading a personal model through its manager without visible_to()/editable_by()."""
    names = "|".join(model.__name__ for model in scoped_models())
    raw = re.compile(rf"\b({names})\.(objects|_default_manager)\b(?!\.(visible_to|editable_by|{COUNTS})\()")
    return [line.strip() for line in text.splitlines() if raw.search(line)]


def test_every_personal_model_declares_its_scope():
    """A model that points at a person or a township holds personal data and must be scoped."""
    for model in apps.get_models():
        personal = any(
            getattr(f, "related_model", None) is Person or f.name == "township"
            for f in model._meta.get_fields()
            if f.concrete
        )
        if personal:
            assert hasattr(model, "scope"), f"{model.__name__} reaches a person or township but declares no scope"
    for model in scoped_models():
        assert isinstance(model.objects.all(), ScopedQuerySet), model


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name in ALLOWED or ALLOWED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            yield path


def test_no_view_serializer_or_report_reads_a_personal_model_unscoped():
    offences = [f"{path.relative_to(ROOT)}: {line}" for path in _sources() for line in unscoped_reads(path.read_text())]
    assert offences == []


def test_only_the_figures_read_sealed_persons():
    """``counted_by`` and ``sealed_from`` include sealed persons: only the modules that compute counts may call them."""
    calls = re.compile(rf"\.({COUNTS})\(")
    offenders = {
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "services" not in path.parts and path.name != "services.py" and calls.search(path.read_text())
    }
    assert offenders <= COUNTING_MODULES | {"sunshine/access.py"}


def test_the_rule_catches_raw_reads():
    assert unscoped_reads("x = Person.objects.filter(pk=1)\ny = Person.objects.visible_to(u)") == [
        "x = Person.objects.filter(pk=1)"
    ]
    assert unscoped_reads("AuditEntry._default_manager.all()") == ["AuditEntry._default_manager.all()"]


@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m.__name__)
def test_no_personal_model_is_in_django_admin(model):
    """The system administrator uses the admin and must see no personal data."""
    assert model not in admin.site._registry


# Regions are spoken one way (sunshine/regions.py): the code's lengths and slices live there alone, rows are narrowed
# to a region with ``within`` (of a scoped queryset, or ``sunshine.regions.within`` for a table without a scope), a
# user's reach is ``user.reaches(region)``, and the nightly computations read as ``sunshine.access.SYSTEM``.
REGION_MODULES = {"sunshine/regions.py"}
_CODE = r"[\w.]*(code|_id|township|county|prefecture|region)\w*"
REGION_RULES = {
    "a region code sliced": re.compile(rf"\b{_CODE}\[:"),
    "a level told by the code's length": re.compile(
        r"\blen\([\w.]*(code|_id|township|county|region)\)|\blen\([^()]*\)\s*[!=]=\s*[2469]\b"
    ),
    "a hand-written prefix filter": re.compile(r"(code|_id)__startswith|\.startswith\([\w.]*region_id\)"),
    "a retired name": re.compile(r"\b(within_region|province_scope|CODE_LENGTH)\b"),
}


def region_offences(text: str) -> list[str]:
    return [
        f"{rule}: {line.strip()}"
        for line in text.splitlines()
        for rule, pattern in REGION_RULES.items()
        if pattern.search(line)
    ]


def test_regions_are_spoken_one_way():
    offences = [
        f"{path.relative_to(ROOT)}: {offence}"
        for folder in [*APPS, "bench"]
        for path in (ROOT / folder).rglob("*.py")
        if str(path.relative_to(ROOT)) not in REGION_MODULES and "migrations" not in path.parts
        for offence in region_offences(path.read_text())
    ]
    assert offences == []


def test_the_region_rule_catches_each_way_back():
    caught = [
        "county = person.township_id[:6]",
        "return self.code[:4]",
        "names.get(county[:4])",
        "{township[:n] for n in lengths}",
        "sizes[township[:length]] = n",
        "if len(base.region_id) != 9:",
        "rows.sort(key=lambda region: len(region.code))",
        "[t for t in regions if len(c) == 9]",
        "bases.filter(region__code__startswith=region)",
        "Person.objects.filter(township_id__startswith=code)",
        "return code.startswith(user.region_id)",
        "from sunshine.access import within_region",
        "viewer = province_scope()",
    ]
    assert [len(region_offences(line)) for line in caught] == [1] * len(caught)
    kept = [
        "body = number[:6] + '19' + number[6:]",  # an ID number, not a region
        "return content[:4] == b'PK'",
        "rows = [(*alert[:4], alert[4]) for alert in alerts]",
        "f'{self.geo.county_name(county)[:2]}公'",  # a name
        "county = RegionCode(person.township_id).county",
        "courses.within(region)",
        "for start in range(0, len(codes), CHUNK):",
        "if len(found) < 2:",
        "townships[n % len(townships)]",
    ]
    assert [line for line in kept if region_offences(line)] == []
