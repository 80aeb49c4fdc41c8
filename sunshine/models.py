"""Core models: the region hierarchy, staff accounts, the audit log and the worker heartbeat."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager

from .access import Action, Scope, ScopedQuerySet, township_code_of
from .choices import AUDIT_READERS, LEVEL_DEPTH, ROLE_LEVEL, Department, Level, Role
from .regions import RegionCode, within


def prefix_index(field: str, name: str, include: tuple[str, ...] = ()) -> models.Index:
    """A btree index usable by ``LIKE 'code%'`` on PostgreSQL (region prefix filters); plain elsewhere. ``include``
    adds columns to its leaves (PostgreSQL), so a statement that needs only those reads the index, not the table."""
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"], include=list(include) or None)


class TrigramIndex(GinIndex):
    """A GIN trigram index (``pg_trgm``) on PostgreSQL, which serves ``LIKE '%q%'`` and ``LIKE '%q'`` (a search by
    part of a name, by the last digits of an ID number); a plain index of the same name elsewhere, where such a
    search scans (SQLite). Use as ``TrigramIndex(fields=[field], name=..., opclasses=["gin_trgm_ops"])``; the
    extension comes from a ``TrigramExtension`` operation (a no-op off PostgreSQL) before the first one."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, **kwargs)  # opclasses ignored off PostgreSQL


class RegionQuerySet(models.QuerySet):
    def within(self, region) -> "RegionQuerySet":
        """The region (a Region or a code) itself and every region below it."""
        return self.filter(within("", region))

    def townships(self) -> "RegionQuerySet":
        return self.filter(level=Level.TOWNSHIP)


class Region(models.Model):
    """An administrative division of Guizhou, keyed by its statistical division code.

    The level follows from the code's length (2 province, 4 prefecture, 6 county, 9 township) and a
    township is urban (城镇) when its name ends in 街道 or 镇. Both are stored, filled by ``from_row``,
    so queries can filter on them.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True, editable=False)
    is_urban = models.BooleanField(_("urban"), default=False, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [prefix_index("code", "region_code_prefix")]

    def __str__(self):
        return self.name

    @staticmethod
    def level_of(code: str) -> Level:
        try:
            return RegionCode(code).level
        except ValueError:
            raise ValidationError(_("A region code has 2, 4, 6 or 9 digits.")) from None

    @classmethod
    def from_row(cls, code: str, name: str, parent_code: str | None) -> "Region":
        level = cls.level_of(code)
        return cls(
            code=code,
            name=name,
            parent_id=parent_code or None,
            level=level,
            is_urban=level == Level.TOWNSHIP and name.endswith(settings.URBAN_TOWNSHIP_SUFFIXES),
        )

    @property
    def region_code(self) -> RegionCode:
        return RegionCode(self.code)

    @property
    def is_township(self) -> bool:
        return self.region_code.is_township

    @property
    def county(self) -> RegionCode | None:
        """The code of the county this region lies in (its own for a county; None above county level)."""
        return self.region_code.county

    @property
    def prefecture(self) -> RegionCode | None:
        """The code of the prefecture this region lies in (its own for a prefecture; None for the province)."""
        return self.region_code.prefecture

    def contains(self, other) -> bool:
        """Whether ``other`` (a Region or a code) lies within this region (itself included)."""
        return self.region_code.contains(other)


class UserQuerySet(models.QuerySet):
    def manageable_by(self, manager: "User") -> "UserQuerySet":
        """Accounts ``manager`` may create and change: the levels below theirs in their region.

        Department staff at the manager's own level and region count as below (a county office
        keeps the accounts of the county's member-unit staff). The system administrator manages only system
        administrators' accounts: an account that reads personal data is never theirs to make or change (the
        first provincial account comes from ``create_staff`` on the server).
        """
        if manager.role == Role.SYSADMIN:
            return self.filter(role=Role.SYSADMIN)
        if manager.role not in {Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.PROVINCE_OFFICER}:
            return self.none()
        below = [level for level, depth in LEVEL_DEPTH.items() if depth > LEVEL_DEPTH[manager.region.level]]
        return self.filter(within("region", manager.region_id)).filter(
            models.Q(region__level__in=below) | models.Q(role=Role.DEPARTMENT_STAFF, region_id=manager.region_id)
        )


class StaffManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A staff account: one region, one role (DESIGN §1). The system administrator has no region."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.CharField(_("department"), max_length=32, choices=Department.choices, blank=True)
    certificate_number = models.CharField(_("staff certificate number"), max_length=64, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)

    objects = StaffManager()

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        indexes = [prefix_index("region", "user_region_prefix")]

    def __str__(self):
        return self.full_name or self.username

    def reaches(self, region) -> bool:
        """Whether ``region`` (a Region or a code) lies within this account's region: for a region the user chose (a
        dashboard, a course's county, an imported township), not for filtering rows (``visible_to`` does that). The
        system administrator, who has no region, reaches none."""
        return bool(self.region_id) and RegionCode(self.region_id).contains(region)

    def clean(self):
        super().clean()
        errors = {}
        if self.role == Role.SYSADMIN:
            if self.region_id:
                errors["region"] = _("The system administrator has no region.")
        elif not self.region_id:
            errors["region"] = _("Choose the region this account belongs to.")
        else:
            level = Region.level_of(self.region_id)
            expected = ROLE_LEVEL.get(self.role)
            if expected and level != expected:
                errors["region"] = _("This role belongs to a %(level)s-level region.") % {"level": expected.label}
        if self.role == Role.DEPARTMENT_STAFF and not self.department:
            errors["department"] = _("Department staff must belong to a department.")
        if self.role != Role.DEPARTMENT_STAFF and self.department:
            errors["department"] = _("Only department staff belong to a department.")
        if errors:
            raise ValidationError(errors)

    @property
    def level(self) -> Level | None:
        return Region.level_of(self.region_id) if self.region_id else None

    @property
    def needs_two_factor(self) -> bool:
        """County level and above, and the system administrator, sign in with a second factor."""
        return self.role == Role.SYSADMIN or self.level in {Level.COUNTY, Level.PREFECTURE, Level.PROVINCE}

    def audit_region_code(self) -> str | None:
        """The account's region; a system administrator's account belongs to the province, so provincial officers
        see who changes it and when it signs in."""
        if self.region_id:
            return self.region_id
        return Region.objects.filter(parent__isnull=True).values_list("code", flat=True).first()

    def token_stamp(self) -> str:
        """A fingerprint of what an API token was issued against: password, role, region, department
        and status. Any change to one of them makes every earlier token stale (like Django's session
        hash does for sessions), whatever path the change took: page, command or admin."""
        state = f"{self.password}|{self.role}|{self.region_id}|{self.department}|{self.is_active}"
        return salted_hmac("sunshine.ApiToken", state, algorithm="sha256").hexdigest()


class StaffPeriod(models.Model):
    """A span of time an account held one role in one region (DESIGN §4, staff ratio of a past year).

    ``sunshine.services.staff_save`` closes the open period when the role or region changes or the account
    is deactivated, and opens a new one for an active account, so a past date's worker count is read from
    these rows, not from the accounts as they are today. ``ended_on`` is the first day it no longer held.
    """

    user = models.ForeignKey("User", models.CASCADE, related_name="periods")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["user", "started_on"]
        verbose_name = _("staff period")
        verbose_name_plural = _("staff periods")
        indexes = [prefix_index("region", "staff_period_region_prefix")]

    def __str__(self):
        return f"{self.user_id} {self.role} {self.region_id} {self.started_on}–{self.ended_on or ''}"


class AuditEntryManager(LogEntryManager.from_queryset(ScopedQuerySet)):
    def log_create(self, instance, force_log=False, **kwargs):
        """Stamp every entry with the township (or region) the record belongs to, for scoping."""
        kwargs.setdefault("region_id", township_code_of(instance))
        kwargs.setdefault("event", _ACTION_EVENTS.get(kwargs.get("action"), ""))
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    """One line of the append-only audit log (DESIGN §3a).

    django-auditlog writes creates, updates and deletes of registered models; views of a person's
    file, ID reveals, exports and logins are written by ``sunshine.audit``. ``region`` is the township
    of the person concerned (or the staff member's region for logins), so the log is scoped like
    everything else: an officer searches the entries of their own region.
    """

    class Event(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed file")
        REVEAL = "reveal_id", _("revealed ID number")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        PROBE = "probe", _("told an ID number is registered")
        PROBE_ALERT = "probe_alert", _("many registration checks")
        PROBE_ACK = "probe_ack", _("acknowledged a registration-checks alert")

    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, db_index=False, related_name="+")
    event = models.CharField(_("event"), max_length=16, choices=Event.choices, db_index=True)

    objects = AuditEntryManager()
    # the office of the region acknowledges a registration-probing alert (the acknowledgement is itself an entry)
    scope = Scope(path="region", read=AUDIT_READERS, edit=(), actions={"acknowledge": Action(AUDIT_READERS)})

    class Meta(AbstractLogEntry.Meta):
        swappable = "AUDITLOG_LOGENTRY_MODEL"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [prefix_index("region", "audit_region_prefix")]


_ACTION_EVENTS = {
    AbstractLogEntry.Action.CREATE: AuditEntry.Event.CREATE,
    AbstractLogEntry.Action.UPDATE: AuditEntry.Event.UPDATE,
    AbstractLogEntry.Action.DELETE: AuditEntry.Event.DELETE,
}


class ApiTokenQuerySet(models.QuerySet):
    def live_for(self, user: "User") -> "ApiTokenQuerySet":
        """The user's tokens that still work (the same rule as ``ApiToken.is_valid_for``, in SQL)."""
        if not user.is_active:
            return self.none()
        tokens = self.filter(user=user, stamp=user.token_stamp(), expiry__gt=timezone.now())
        if settings.REQUIRE_2FA and user.needs_two_factor:
            tokens = tokens.filter(two_factor=True)
        return tokens.order_by("-created")


class ApiTokenManager(AuthTokenManager.from_queryset(ApiTokenQuerySet)):
    pass


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox keeps only its hash; its ``expiry`` moves 8 hours past each use,
    up to 30 days after issue). It is valid only while the account still has the ``stamp`` it was
    issued against and, where two-factor applies, only if it was issued after the second factor."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=128, unique=True)
    stamp = models.CharField(max_length=64)
    two_factor = models.BooleanField(_("issued after a second factor"), default=False)
    client = models.CharField(_("client"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key}… ({self.user})"

    def is_valid_for(self, user: User) -> bool:
        return (
            user.is_active
            and self.stamp == user.token_stamp()
            and (self.two_factor or not (settings.REQUIRE_2FA and user.needs_two_factor))
        )


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the beat-scheduled heartbeat; shown on the health page."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M}"


class Job(models.Model):
    """A long task (an import, a province-wide export) run in the background for the user who asked for it.

    Only its requester sees it. The input file and the result file are kept in the row, so the web server and
    the worker need no shared disk. Progress while running is kept in the cache (see ``sunshine.jobs``): the
    task may hold its writes in one transaction until the end, and the row would not show them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(User, models.CASCADE, related_name="jobs")
    params = models.JSONField(default=dict)
    upload = models.BinaryField(null=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(null=True)
    file = models.BinaryField(null=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class OneTimeKey(models.Model):
    """A one-time id (UUID) made by the client for a creating request, and the row that request created.

    The key is written in the same transaction as the row, so a resent form, API call or offline record
    finds it and creates nothing (see ``sunshine.once``). A key belongs to the account that used it.
    """

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("one-time id")
        verbose_name_plural = _("one-time ids")

    def __str__(self):
        return str(self.key)
