"""The one region-scoping mechanism (DESIGN §2).

Every model holding personal data declares ``scope = Scope(path=...)``: the relation path from the
model to the Region its record belongs to (``"township"`` for a person, ``"person__township"`` for
a visit). Its manager is built from ``ScopedQuerySet``, which offers ``visible_to(user)`` and
``editable_by(user)``. Containment is a code prefix, so both reduce to one
``<path>_id LIKE '<region code>%'`` filter, served by a ``varchar_pattern_ops`` index on
PostgreSQL. Nothing else in the project filters rows by region.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

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
class Scope:
    """How a model is scoped: its path to a region, who reads it and who changes it.

    ``read`` and ``edit`` are roles; ``departments`` names the department whose staff read and,
    if ``Role.DEPARTMENT_STAFF`` is in ``edit``, change these records.
    """

    path: str
    also: tuple[str, ...] = ()  # further paths that also grant access (a transfer: both townships)
    public: bool = False  # not personal data (a placement base): every signed-in user reads it
    read: Collection[str] = REGION_READERS
    edit: Collection[str] = ()
    departments: Collection[str] = field(default_factory=tuple)

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
    if scope is None:
        return None
    *hops, last = scope.path.split("__")
    for hop in hops:
        instance = getattr(instance, hop, None)
        if instance is None:
            return None
    return getattr(instance, f"{last}_id", None)


def ensure_editable(user, obj) -> None:
    """Raise PermissionDenied unless ``obj``, as it is in the database now, is editable by ``user``.

    Services call it before a change and again after saving, inside the same transaction, so a
    record cannot be moved out of the user's reach (DESIGN §2, house style "checked twice").
    """
    if not type(obj).objects.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
