"""The one region-scoping mechanism (DESIGN §2).

Every model holding personal data declares ``scope = Scope(path=...)``: the relation path from the
model to the Region its record belongs to (``"township"`` for a person, ``"person__township"`` for
a visit). Its manager is built from ``ScopedQuerySet``, which offers ``visible_to(user)`` and
``editable_by(user)``. Containment is a code prefix, so both reduce to one
``<path>_id LIKE '<region code>%'`` filter, served by a ``varchar_pattern_ops`` index on
PostgreSQL. Nothing else in the project filters rows by region.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from .choices import Role

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

    def condition(self, region_code: str) -> models.Q:
        """Rows whose region (through any of the paths) lies within ``region_code``."""
        condition = models.Q()
        for path in (self.path, *self.also):
            condition |= models.Q(**{f"{path}__code__startswith": region_code})  # join trimmed: <fk>_id LIKE
        return condition

    def may_read(self, user) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.region_id:
            return False
        if user.role == Role.DEPARTMENT_STAFF:
            return user.department in self.departments
        return user.role in self.read

    def may_edit(self, user) -> bool:
        return self.may_read(user) and user.role in self.edit

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
            code is not None and within_region(user, code)
            for code in (region_code_along(obj, path) for path in (self.path, *self.also))
        )


class ScopedQuerySet(models.QuerySet):
    """Rows a user may see or change, derived from the model's ``scope`` declaration."""

    def visible_to(self, user) -> "ScopedQuerySet":
        scope: Scope = self.model.scope
        if scope.public and getattr(user, "is_authenticated", False):
            return self.all()
        if not scope.may_read(user):
            return self.none()
        return self.filter(scope.condition(user.region_id))

    def editable_by(self, user) -> "ScopedQuerySet":
        scope: Scope = self.model.scope
        if not scope.may_edit(user):
            return self.none()
        return self.filter(scope.condition(user.region_id))


def may(user, action: str, target) -> bool:
    """Whether ``user`` may do ``action`` to ``target``: a row, or a model class for an action that makes a row
    (``"add"``) or concerns none in particular. The one question views, the API, services and templates ask.

    A row must lie within the user's region (rows of a public model are read by everyone signed in); the
    role must hold the action; the action's rule, if any, must accept the user's relation to the row.
    """
    model = target if isinstance(target, type) else type(target)
    scope: Scope = model.scope
    if not getattr(user, "is_authenticated", False):
        return False
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


def within_region(user, code: str) -> bool:
    """Whether the region ``code`` lies within ``user``'s region (containment is a code prefix). For checks on a
    region the user chose (a dashboard, a course's county, an imported township), not for filtering rows."""
    return bool(user.region_id) and code.startswith(user.region_id)


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
