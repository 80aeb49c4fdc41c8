"""Every route of the URL configuration, with what each member of the cast must get from it.

``test_permission_matrix`` walks the URL resolver and fails for any route missing here, so a new
page or endpoint cannot ship without its row. A row says how to call the route and who may:

- ``Public``: anyone, signed in or not.
- ``SignedIn``: any signed-in member of the cast.
- ``Roles(...)``: those roles; other signed-in users get 403.
- ``PersonRoute(edit=...)``: a route about one person. It is called for a person in the user's
  scope and one outside it; the expected answer follows the hand-written ``SEES`` table of
  ``conftest`` (200 if the user sees the person, 404 if not) and, for ``edit=True``, 403 for users
  who see the person but may not change them.
- ``ObjectRoute(obj, editors=...)``: the same for a record of a person (a measure, a visit, a
  transfer...). Transfers are seen from both townships (``TRANSFER_SEES``).
- ``action="..."`` (with ``model="app.Model"`` for an action that makes a row): who may act is not
  written here but generated from the action's declaration beside the model's scope
  (``sunshine.access.may``): a user who sees the object and may not act gets 403.
- ``StaffRoute``: an account page, called for an account the user manages and one they do not.

Lists additionally name the persons who must (and must not) appear in them.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Public:
    method: str = "get"
    ok: int = 200
    signed_in: int | None = None  # when a signed-in user gets something else


@dataclass(frozen=True)
class SignedIn:
    method: str = "get"
    lists_persons: bool = False
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Roles:
    roles: frozenset
    method: str = "get"


@dataclass(frozen=True)
class PersonRoute:
    """A route about one person (``pk``); ``editors`` are who may act (others who see get 403)."""

    edit: bool = False
    method: str = "get"
    ok: int = 200
    editors: frozenset | None = None
    kwargs: dict = field(default_factory=dict)
    action: str | None = None
    model: str | None = None  # the action is asked of this model (an action that makes a row), not the person


@dataclass(frozen=True)
class ObjectRoute:
    """A route about one record of a person (built per person by ``tests/test_permission_matrix``)."""

    obj: str
    editors: frozenset | None = None
    method: str = "get"
    ok: int = 200
    kwargs: dict = field(default_factory=dict)
    action: str | None = None


@dataclass(frozen=True)
class StaffRoute:
    pass


@dataclass(frozen=True)
class RegionRoute:
    """A route about a non-personal object that belongs to a region (a course, a placement base).

    One object is built in each of the counties of persons a, c and z (see ``REGION_KEYS``). Any
    signed-in user may read it unless ``readers`` says otherwise (others get 404); ``editors`` maps
    each user to the keys they may change (others get 404, as for an object they cannot reach).
    """

    obj: str
    editors: dict | None = None
    readers: frozenset | None = None
    method: str = "get"
    ok: int = 200
    kwargs: dict = field(default_factory=dict)
    refuse: int = 404  # what a reader who may not change the object gets (403 where the role is the reason)


# Region objects are built in the counties of persons a (520102), c (520103) and z (520302).
REGION_KEYS = ("a", "c", "z")
COUNTY_EDITS = {"county_officer": {"a"}, "other_county_officer": {"c"}}


PERSON_EDITORS = frozenset({"worker_a", "worker_b", "county_officer", "other_county_officer"})
COUNTY = frozenset({"county_officer", "other_county_officer"})
FIELD_RECORDERS = PERSON_EDITORS | {"police_a"}  # who record visits, tests, absences or leave (the field app)
MANAGERS = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer", "sysadmin"})
AUDIT_READERS = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer"})

OFFICERS = COUNTY | {"prefecture_officer", "province_officer"}
CASE_RECORDERS = PERSON_EDITORS | {"police_a"}  # who may record a new case about a sealed person (finding, test, order)
QUERY_SEES = {
    "county_officer": {"a"},
    "other_county_officer": {"c"},
    "prefecture_officer": {"a", "c"},
    "province_officer": {"a", "c", "z"},
}

JOB_OWNERS = {"county_officer": {"a"}, "other_county_officer": {"c"}, "province_officer": {"z"}}

# API record endpoints (basename → object built per person in the matrix test).
RECORD_ROUTES = ["visit", "urine-test", "finding", "counselling", "leave", "absence", "status-event", "helper"]

ROUTES = {
    "home": SignedIn(),
    "health": Public(),
    "login": Public(signed_in=302),  # a signed-in user is sent home
    "logout": Public(method="post", ok=302),
    "two_factor": SignedIn(),
    "staff_list": Roles(MANAGERS),
    "staff_create": Roles(MANAGERS),
    "staff_update": StaffRoute(),
    "audit_log": Roles(AUDIT_READERS),
    # A registration-probing alert is acknowledged by the offices whose region holds the prober's township.
    "probe_alert_acknowledge": RegionRoute("probe_alert", editors=QUERY_SEES, method="post", ok=302),
    # API tokens (issue #12): everybody lists their own; a token is revoked by its owner alone (builder below).
    "token_list": SignedIn(),
    "token_revoke": RegionRoute("api_token", editors=JOB_OWNERS, method="post", ok=302),
    # A background job is seen by the user who started it, nobody else (builder below).
    "job_detail": RegionRoute("job", editors=JOB_OWNERS),
    "job_download": RegionRoute("job", editors=JOB_OWNERS),
    "cases:person_list": SignedIn(lists_persons=True),
    "cases:person_create": Roles(frozenset({"worker_a", "worker_b", "county_officer", "other_county_officer"})),
    "cases:person_detail": PersonRoute(),
    "cases:person_update": PersonRoute(action="change"),
    # A PDF, not a page: called as the person's own object route, so the matrix does not look for the name in
    # the bytes (tests/cases/test_person_file.py reads the PDF).
    "cases:person_file_pdf": ObjectRoute("person"),
    "cases:person_reveal_id": PersonRoute(method="post"),
    "cases:record_create": PersonRoute(action="add", model="cases.UrineTest", kwargs={"kind": "urine-test"}),
    "cases:record_update": ObjectRoute("visit", action="change", kwargs={"kind": "visit"}),
    "cases:measure_order": PersonRoute(action="order", model="cases.Measure"),
    "cases:measure_correct": ObjectRoute("measure", action="correct"),
    "cases:measure_report": ObjectRoute("measure", action="change"),
    "cases:measure_close": ObjectRoute("measure", action="close"),
    "cases:measure_escalate": ObjectRoute("measure", action="escalate"),
    "cases:measure_discharge_notice": ObjectRoute("measure", action="change"),
    "cases:measure_agreement": ObjectRoute("measure"),
    "cases:transfer_start": PersonRoute(action="transfer"),
    "cases:transfer_list": SignedIn(),
    "cases:transfer_accept": ObjectRoute("transfer", action="accept"),
    "cases:transfer_approve": ObjectRoute("transfer", action="approve"),
    "cases:transfer_reject": ObjectRoute("transfer", action="reject"),
    "cases:alert_list": SignedIn(lists_persons=True),
    "cases:alert_acknowledge": ObjectRoute("alert", action="change"),
    # Roster import (issue #7): workers and county officers of their region; a roster job is its requester's alone.
    "cases:roster_import": Roles(PERSON_EDITORS),
    "cases:roster_template": Roles(PERSON_EDITORS),
    "cases:roster_job": RegionRoute("roster_job", editors=JOB_OWNERS),
    # Sealed records and lawful queries (issue #14). Person s is sealed: every person route answers 404 for all.
    "cases:person_seal": PersonRoute(action="seal"),
    "cases:sealed_case": Roles(CASE_RECORDERS),
    "cases:lawful_query_list": Roles(OFFICERS),
    "cases:lawful_query_create": Roles(OFFICERS),
    # a query is read and decided by the offices whose region holds its requester's (never the requester: the
    # builder's requester is outside the cast)
    "cases:lawful_query_detail": RegionRoute("lawful_query", editors=QUERY_SEES),
    "cases:lawful_query_decide": RegionRoute("lawful_query", editors=QUERY_SEES),
    "api:lawful-query-list": SignedIn(),
    "api:lawful-query-detail": RegionRoute("lawful_query", editors=QUERY_SEES),
    "api:lawful-query-decide": RegionRoute("lawful_query", editors=QUERY_SEES, method="post", ok=400),
    "api:token": Public(method="post", ok=400),
    "api:api-token-list": SignedIn(),
    "api:api-token-detail": RegionRoute("api_token", editors=JOB_OWNERS, method="delete", ok=204),
    "api:region-list": SignedIn(),
    "api:region-detail": SignedIn(kwargs={"pk": "520102"}),
    "api:person-list": SignedIn(lists_persons=True),
    "api:person-detail": PersonRoute(),
    "api:measure-list": SignedIn(),
    "api:measure-detail": ObjectRoute("measure"),
    "api:measure-close": ObjectRoute("measure", action="close", method="post", ok=400),
    "api:measure-escalate": ObjectRoute("measure", action="escalate", method="post", ok=400),
    # Who decides follows the declaration (the side of the transfer); whether the transfer's state allows it is
    # the service's answer (a field message), so the matrix only asks that those who may are not refused.
    "api:transfer-list": SignedIn(),
    "api:transfer-detail": ObjectRoute("transfer"),
    "api:transfer-accept": ObjectRoute("transfer", action="accept", method="post", ok=None),
    "api:transfer-approve": ObjectRoute("transfer", action="approve", method="post", ok=None),
    "api:transfer-reject": ObjectRoute("transfer", action="reject", method="post", ok=None),
    "api:alert-list": SignedIn(),
    # The field app's sync (issue 15): those who record in the field; each record is scoped on its own.
    "api:sync": Roles(FIELD_RECORDERS, method="post"),
    "api:caseload": Roles(FIELD_RECORDERS),
    "cases:field": Roles(FIELD_RECORDERS),
    # The field app's service worker and manifest hold no personal data and must load without a session.
    "cases:field_sw": Public(),
    "cases:field_manifest": Public(),
    "api:alert-detail": ObjectRoute("alert"),
    **{f"api:{name}-list": SignedIn() for name in RECORD_ROUTES},
    **{f"api:{name}-detail": ObjectRoute(name) for name in RECORD_ROUTES},
    "schema": SignedIn(),
    "api_docs": SignedIn(),
}


# Each app above cases adds its rows, object builders and visibility overrides from tests/<app>/routes.py:
#   ROUTES: {route name: spec}; BUILDERS: {object name: function(person) -> object, for ObjectRoute, or
#   function(county code) -> object, for RegionRoute}; SEES: {object name: {user: keys}} where the
#   object is seen by more users than its person (department staff in their domain).
def _job(county_code):
    """A finished export started by the officer of that county (the provincial officer for county z)."""
    from sunshine.models import Job, User

    owner = User.objects.filter(role="county_officer", region_id=county_code).first()
    owner = owner or User.objects.get(role="province_officer")
    return Job.objects.create(kind="export", title="导出", requested_by=owner, status="done", file=b"x",
                              file_name="x.txt", content_type="text/plain")  # fmt: skip


_job.per_region = True


def _roster_job(county_code):
    """A finished roster check started by the same owners as ``_job``."""
    job = _job(county_code)
    job.kind, job.title, job.result = "roster_check", "名册检查", {"counts": [], "errors": [], "error_count": 0}
    job.save()
    return job


_roster_job.per_region = True


def _api_token(county_code):
    """An API token of the owners named in ``JOB_OWNERS`` (by username: other accounts may live in county z)."""
    from sunshine.models import User
    from sunshine.services import token_issue

    owner = User.objects.get(
        username={"520102": "county_officer", "520103": "other_county_officer"}.get(county_code, "province_officer")
    )
    token_issue(user=owner, two_factor=True)
    return owner.auth_token_set.order_by("-pk").first()


_api_token.per_region = True


def _lawful_query(county_code):
    """A pending lawful query about a sealed person of that county, asked by an officer of it outside the cast."""
    from cases.models import LawfulQuery
    from sunshine.models import Region, User
    from sunshine.regions import RegionCode

    from .factories import PersonFactory, seal

    # a county officer of the cast's counties; in county z, which has none, its prefecture's officer (a county
    # officer there would become the owner ``_job`` looks for)
    cast_county = User.objects.filter(role="county_officer", region_id=county_code).exclude(username__startswith="req")
    prefecture = RegionCode(county_code).prefecture
    role, region = ("county_officer", county_code) if cast_county.exists() else ("prefecture_officer", prefecture)
    requester, _created = User.objects.get_or_create(
        username=f"requester_{county_code}", defaults={"role": role, "region_id": region}
    )
    township = Region.objects.filter(parent_id=county_code).order_by("code").first()
    person = seal(PersonFactory(township=township))
    return LawfulQuery.objects.create(requester=requester, region_id=region, person=person, querying_unit="公安局",
                                      basis="case", case_number="2026-001", purpose="办案")  # fmt: skip


_lawful_query.per_region = True


def _probe_alert(county_code):
    """A registration-probing alert about a township worker (outside the cast) of that county."""
    from sunshine.models import AuditEntry, Region, User

    township = Region.objects.filter(parent_id=county_code).order_by("code").first()
    prober, _created = User.objects.get_or_create(
        username=f"prober_{county_code}", defaults={"role": "township_worker", "region": township}
    )
    alert = {"event": AuditEntry.Event.PROBE_ALERT, "additional_data": {"elsewhere": 30}}
    return AuditEntry.objects.log_create(prober, force_log=True, action=AuditEntry.Action.ACCESS, **alert)


_probe_alert.per_region = True
BUILDERS: dict = {
    "job": _job,
    "roster_job": _roster_job,
    "api_token": _api_token,
    "person": lambda person: person,
    "lawful_query": _lawful_query,
    "probe_alert": _probe_alert,
}
OBJECT_SEES: dict = {}
for _app in ("training", "placement", "welfare", "reporting", "outcomes"):
    try:
        _module = __import__(f"tests.{_app}.routes", fromlist=["ROUTES"])
    except ModuleNotFoundError:
        continue
    ROUTES.update(_module.ROUTES)
    BUILDERS.update(getattr(_module, "BUILDERS", {}))
    OBJECT_SEES.update(getattr(_module, "SEES", {}))

# Routes deliberately outside the matrix, with the reason.
EXCLUDED_NAMESPACES = {"admin"}  # Django admin: configuration only, no personal model registered (test_admin)
EXCLUDED = {"set_language"}  # language switch, no data
