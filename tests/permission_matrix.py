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
    edit: bool = False
    method: str = "get"
    ok: int = 200


@dataclass(frozen=True)
class StaffRoute:
    pass


MANAGERS = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer", "sysadmin"})
AUDIT_READERS = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer"})

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
    "cases:person_list": SignedIn(lists_persons=True),
    "cases:person_create": Roles(frozenset({"worker_a", "worker_b", "county_officer", "other_county_officer"})),
    "cases:person_detail": PersonRoute(),
    "cases:person_update": PersonRoute(edit=True),
    "cases:person_reveal_id": PersonRoute(method="post"),
    "api:token": Public(method="post", ok=400),
    "api:region-list": SignedIn(),
    "api:region-detail": SignedIn(kwargs={"pk": "520102"}),
    "api:person-list": SignedIn(lists_persons=True),
    "api:person-detail": PersonRoute(),
    "schema": SignedIn(),
    "api_docs": SignedIn(),
}

# Routes deliberately outside the matrix, with the reason.
EXCLUDED_NAMESPACES = {"admin"}  # Django admin: configuration only, no personal model registered (test_admin)
EXCLUDED = {"set_language"}  # language switch, no data
