"""The one region-scoping mechanism (DESIGN §2).

Every model holding personal data declares ``scope = Scope(path=...)``: the relation path from the
model to the Region its record belongs to (``"township"`` for a person, ``"person__township"`` for
a visit). Its manager is built from ``ScopedQuerySet``, which offers ``visible_to(user)`` and
``editable_by(user)``, and ``within(region)`` narrows them to a region. Containment is a code prefix
(``sunshine.regions``), so each reduces to one ``<path>_id LIKE '<region code>%'`` filter, served by a
``varchar_pattern_ops`` index on PostgreSQL. Nothing else in the project filters rows by region.

``SYSTEM`` is the one principal that is not a user: the system-wide reader of the nightly computations.
"""

import contextlib
import contextvars
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.utils import timezone

from .choices import Role
from .regions import within

# Roles that see the personal records of their region (DESIGN §1). Department staff see only their
# domain's records and the system administrator sees none.
REGION_READERS = frozenset(
    {
        Role.TOWNSHIP_WORKER,
        Role.COMMUNITY_POLICE,
        Role.COUNTY_OFFICER,
        Role.PREFECTURE_OFFICER,
        Role.PROVINCE_OFFICER,
    }
)


class SystemReader:
    """The system-wide reader: the principal the nightly computations read as (indicator snapshots, the sealing
    pass's abstinence clocks, the relapse outcomes), and the assessment report's figures and its ``export_assessment``
    command. Their figures are the whole province's, whoever asks, so they must not read as any one user.

    It reads exactly what a provincial officer at the province reads, and counts what one counts: ``visible_to``
    leaves sealed persons out (no lawful-query grant: it is no account), ``counted_by`` keeps them (DESIGN §3b). It
    changes nothing (``editable_by`` is empty, ``may`` says no to everything) and is no user: not authenticated,
    so no view, API or template takes it for one, and not a ``User`` row, so nobody signs in as it. The province is
    ``settings.PROVINCE_CODE``, the root of the divisions ``load_regions`` loads. Use the instance ``SYSTEM``.
    """

    __slots__ = ()
    role = Role.PROVINCE_OFFICER
    department = ""
    pk = None
    is_authenticated = False
    is_anonymous = False
    is_active = False

    @property
    def region_id(self) -> str:
        return settings.PROVINCE_CODE

    def __repr__(self):
        return "SYSTEM"


SYSTEM = SystemReader()


def _reader(user) -> bool:
    """Whether ``user`` may be given rows at all: a signed-in user, or the system-wide reader."""
    return user is SYSTEM or getattr(user, "is_authenticated", False)


@dataclass(frozen=True)
class Action:
    """Something a role may do to a row, beyond reading it: accept a transfer, close a measure.

    ``roles`` may do it (department staff only when the model's department is theirs); ``rule(user, obj)``,
    when given, is the user's relation to the row that the action also needs (a transfer is accepted by its
    receiving side). Whether the row's state allows the action (an open transfer) is the service's answer,
    with a field message, not a permission.
    """

    roles: Collection[str]
    rule: Callable[[Any, Any], bool] | None = None


@dataclass(frozen=True)
class Scope:
    """How a model is scoped: its path to a region, who reads it, who changes it and what else they may do.

    ``read`` and ``edit`` are roles; ``departments`` names the department whose staff read and,
    if ``Role.DEPARTMENT_STAFF`` is in ``edit``, change these records. ``actions`` declares the model's
    further actions by name (one line each); ``"view"``, ``"add"`` and ``"change"`` exist on every model
    (who reads, who edits, who edits). Ask ``may(user, action, obj)`` everywhere, never the roles directly.
    """

    path: str
    also: tuple[str, ...] = ()  # further paths that also grant access (a transfer: both townships)
    public: bool = False  # not personal data (a placement base): every signed-in user reads it
    read: Collection[str] = REGION_READERS
    edit: Collection[str] = ()
    departments: Collection[str] = field(default_factory=tuple)
    actions: Mapping[str, Action] = field(default_factory=dict)
    seals: bool = True  # the rows of a sealed person vanish with them (False: a lawful query about that person)

    def condition(self, region) -> models.Q:
        """Rows whose region (through any of the paths) lies within ``region`` (a Region or a code)."""
        condition = models.Q()
        for path in (self.path, *self.also):
            condition |= within(path, region)
        return condition

    def may_read(self, user) -> bool:
        if not _reader(user) or not user.region_id:
            return False
        if user.role == Role.DEPARTMENT_STAFF:
            return user.department in self.departments
        return user.role in self.read

    def counts_all(self, user) -> bool:
        """Whether ``counted_by(user)`` is every row: a reader at the province (``settings.PROVINCE_CODE``), the root
        of every region. A statement that joins rows to the counted ones may then leave that join out: its region
        condition holds for every row, and no index makes a join to every person cheap. Only for a scope whose every
        row has its region (a person's township: never null); a row with none is counted by no one."""
        return self.may_read(user) and user.region_id == settings.PROVINCE_CODE

    def may_edit(self, user) -> bool:
        return user is not SYSTEM and self.may_read(user) and user.role in self.edit

    def action(self, name: str) -> Action:
        """The declared action ``name`` (KeyError for an action the model does not have)."""
        if name in self.actions:
            return self.actions[name]
        if name in ("add", "change"):
            return Action(roles=self.edit)
        raise KeyError(f"{name!r} is not an action of this scope")

    def reaches(self, user, obj) -> bool:
        """Whether ``obj`` lies within ``user``'s region through any of the scope's paths (no query when the
        relations on the way are loaded)."""
        return any(
            code is not None and user.reaches(code)
            for code in (region_code_along(obj, path) for path in (self.path, *self.also))
        )


class ScopedQuerySet(models.QuerySet):
    """Rows a user may see or change, derived from the model's ``scope`` declaration."""

    def visible_to(self, user) -> "ScopedQuerySet":
        scope: Scope = self.model.scope
        if scope.public and _reader(user):
            return self.all()
        if not scope.may_read(user):
            return self.none()
        return self.filter(scope.condition(user.region_id) & _unsealed(self.model, user))

    def editable_by(self, user) -> "ScopedQuerySet":
        scope: Scope = self.model.scope
        if not scope.may_edit(user):
            return self.none()
        return self.filter(scope.condition(user.region_id) & _unsealed(self.model))

    def counted_by(self, user) -> "ScopedQuerySet":
        """The rows ``user``'s figures count: ``visible_to`` plus sealed persons' rows (DESIGN §3b: a count discloses
        no one). For statistics only: never list, show or export these rows."""
        if not self.model.scope.may_read(user):
            return self.none()
        return self.filter(self.model.scope.condition(user.region_id))

    def within(self, region) -> "ScopedQuerySet":
        """These rows narrowed to those lying within ``region`` (a Region or a code) along the scope's paths: a
        page's region filter, on top of ``visible_to``, never instead of it."""
        return self.filter(self.model.scope.condition(region))

    def unsealed(self) -> "ScopedQuerySet":
        """These rows without a sealed person's, whatever grant the reader holds: for work to be done (a grant reads a
        sealed file, it brings no one back into the work list)."""
        return self.filter(_unsealed(self.model))

    def sealed_from(self, user) -> "ScopedQuerySet":
        """The rows ``counted_by`` adds to ``visible_to``: hidden from ``user`` by sealing alone (for "and N sealed
        persons" and the sealed counts of dashboards)."""
        if _sealed_prefix(self.model) is None:
            return self.none()
        return self.counted_by(user).exclude(_unsealed(self.model, user))


# Sealed records (DESIGN §3b) ------------------------------------------------------------------------------------
# A person model declares ``seals_records = True`` and a boolean ``sealed``. While a person is sealed, they and every
# row that reaches them through a ``person`` foreign key vanish from ``visible_to`` and ``editable_by`` for every role.
# A lawful-query grant (``granted_to``, the person model's answer) brings that one person back into ``visible_to``,
# never into ``editable_by``, for its requester alone, until it expires.


def _sealed_prefix(model) -> str | None:
    """The lookup prefix from ``model`` to the person whose sealing hides its rows ('' for the person itself), or
    None when sealing does not concern the model."""
    if not model.scope.seals:
        return None
    if getattr(model, "seals_records", False):
        return ""
    try:
        person = model._meta.get_field("person").related_model
    except FieldDoesNotExist:
        return None
    return "person__" if getattr(person, "seals_records", False) else None


def _sealed_row(obj) -> bool:
    """Whether ``obj`` is a sealed person or a row of one."""
    prefix = _sealed_prefix(type(obj))
    if prefix is None:
        return False
    person = obj if prefix == "" else getattr(obj, "person", None)
    return bool(getattr(person, "sealed", False))


def _unsealed(model, user=None) -> models.Q:
    """Rows of persons not sealed, and (given ``user``) of the sealed persons ``user`` holds an active grant for."""
    prefix = _sealed_prefix(model)
    if prefix is None:
        return models.Q()
    condition = models.Q(**{f"{prefix}sealed": False})
    if user is not None:
        person_model = model if prefix == "" else model._meta.get_field("person").related_model
        granted = _granted_persons(user, person_model)
        if granted is not None:
            condition |= models.Q(**{f"{prefix}pk__in": granted})
    return condition


# A request reads each reader's grants once (``grants_read_once``, opened by ``sunshine.middleware``): its page makes
# a dozen scoped queries, and an office's would each carry the grant subquery. Outside a request (jobs, commands, the
# tests' direct calls) every statement asks the database itself, so a grant is judged when the rows are read.
_grants_read: contextvars.ContextVar[dict | None] = contextvars.ContextVar("grants_read", default=None)


@contextlib.contextmanager
def grants_read_once():
    """Within the block each reader's active lawful-query grants are read once, on first need."""
    if _grants_read.get() is not None:
        yield
        return
    token = _grants_read.set({})
    try:
        yield
    finally:
        _grants_read.reset(token)


def grants_changed() -> None:
    """A grant was decided in this block: read everyone's again (the services that decide call it)."""
    read = _grants_read.get()
    if read is not None:
        read.clear()


def _active_grants(user, person_model):
    """``user``'s active grants as (grant id, person id) pairs: read once within ``grants_read_once`` (with their
    expiry, which each use checks again), a queryset outside it; None for a role that never holds one (and the
    system's reader)."""
    read, reader = _grants_read.get(), getattr(user, "pk", None)
    if read is None or reader is None or reader not in read:
        granted = person_model.granted_to(user) if person_model else None  # (a subquery of the persons' ids)
        if read is None or reader is None:
            return None if granted is None else granted.values_list("pk", "person_id")
        read[reader] = None if granted is None else list(granted.values_list("pk", "person_id", "expires_at"))
    if read[reader] is None:
        return None
    now = timezone.now()
    return [(grant, person) for grant, person, expires_at in read[reader] if expires_at > now]


def _granted_persons(user, person_model):
    """The sealed persons ``user``'s grants bring back: a list (in a request: none when the reader holds no grant,
    nearly always) or a subquery; None for a role that never holds one."""
    grants = _active_grants(user, person_model)
    if isinstance(grants, list):
        return [person for _grant, person in grants] or None
    return None if grants is None else grants.values("person_id")


def may(user, action: str, target) -> bool:
    """Whether ``user`` may do ``action`` to ``target``: a row, or a model class for an action that makes a row
    (``"add"``) or concerns none in particular. The one question views, the API, services and templates ask.

    A row must lie within the user's region (rows of a public model are read by everyone signed in); the
    role must hold the action; the action's rule, if any, must accept the user's relation to the row. A sealed
    person's row is read only under a lawful-query grant and changed by nobody (DESIGN §3b).
    """
    model = target if isinstance(target, type) else type(target)
    scope: Scope = model.scope
    if not getattr(user, "is_authenticated", False):
        return False
    if target is not model and _sealed_row(target):
        return action == "view" and model.objects.visible_to(user).filter(pk=target.pk).exists()
    if action == "view":
        return scope.public or (scope.may_read(user) and (target is model or scope.reaches(user, target)))
    declared = scope.action(action)
    if not scope.may_read(user) or user.role not in declared.roles:
        return False
    if target is model:
        return True
    return scope.reaches(user, target) and (declared.rule is None or declared.rule(user, target))


def ensure(user, action: str, target) -> None:
    """Raise PermissionDenied unless ``may(user, action, target)``; services call it before they act."""
    if not may(user, action, target):
        raise PermissionDenied


def region_code_along(obj, path: str) -> str | None:
    """The code of the region reached from ``obj`` along a scope path (``"person__township"``)."""
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def township_code_of(instance) -> str | None:
    """The region code a record belongs to, following its model's scope path (or its own method)."""
    own = getattr(instance, "audit_region_code", None)
    if callable(own):
        return own()
    scope = getattr(type(instance), "scope", None)
    return None if scope is None else region_code_along(instance, scope.path)


def ensure_editable(user, obj) -> None:
    """Raise PermissionDenied unless ``obj``, as it is in the database now, is editable by ``user``.

    Services call it before a change and again after saving, inside the same transaction, so a
    record cannot be moved out of the user's reach (DESIGN §2, house style "checked twice").
    """
    if not type(obj).objects.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied


def scoped_save(user, obj, *, validate: Callable[[Any], None] | None = None, update_fields=None):
    """Save ``obj`` for ``user`` the one checked way: a stored row must be editable by ``user`` as it is in the
    database now, ``full_clean()`` and then ``validate(obj)`` (the service's own rules, field messages) must pass,
    and after saving, inside the caller's transaction, the row must still be editable, so a change cannot move a
    record out of the user's reach (DESIGN §2, "checked twice"). Whether a new row may be made ("add", "order")
    and whether a stored one's state allows the change are the service's questions, asked before.
    """
    if not obj._state.adding:
        ensure_editable(user, obj)
    obj.full_clean()
    if validate is not None:
        validate(obj)
    obj.save(update_fields=update_fields)
    ensure_editable(user, obj)
    return obj


def _person_model():
    return next((m for m in apps.get_models() if getattr(m, "seals_records", False)), None)


def sealed_person_ids() -> models.QuerySet:
    """The ids of the sealed persons, as a subquery: the audit log keeps their entries but never names them."""
    return _person_model().objects.filter(sealed=True).values("pk")


def person_type():
    """The content type of the person model (audit entries about a person carry it)."""
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(_person_model())


def lawful_grants(user, *, person_id: int | None = None) -> list[int]:
    """The ids of ``user``'s active lawful-query grants (for ``person_id`` alone, if given), newest first: their
    pages, PDFs and exports carry the banner and name them in the audit log."""
    grants = _active_grants(user, _person_model())
    return [grant for grant, person in grants or () if person_id is None or person == person_id]


def holds_lawful_grant(user) -> bool:
    return bool(lawful_grants(user))
