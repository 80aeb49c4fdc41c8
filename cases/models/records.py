"""Day-to-day records of a person's pathway: help group, visits, tests, findings, counselling,
leave, unauthorised absences, status events and breach alerts. Each is scoped through its person."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.access import Scope, ScopedQuerySet
from sunshine.choices import Role
from sunshine.concurrency import Versioned

from ..choices import (
    AlertKind,
    CounsellingKind,
    FindingSource,
    HelperRole,
    ScheduledActivity,
    StatusKind,
    TestKind,
    TestResult,
    VisitKind,
)

LEAVE_MIN_DAYS = 3  # absences of 3 days or more from the county need written leave
WORKER_AND_COUNTY = frozenset({Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER})
WORKER_POLICE_COUNTY = frozenset({Role.TOWNSHIP_WORKER, Role.COMMUNITY_POLICE, Role.COUNTY_OFFICER})
POLICE_AND_COUNTY = frozenset({Role.COMMUNITY_POLICE, Role.COUNTY_OFFICER})


class PersonRecord(Versioned):
    """Common part of a record about one person: who recorded it and when.

    ``date_field`` names the date the record is placed at on the person's timeline.
    """

    person = models.ForeignKey("cases.Person", models.PROTECT, verbose_name=_("person"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="person__township", edit=WORKER_AND_COUNTY)
    date_field = "created_at"
    future_fields: tuple[str, ...] = ()  # dates that may lie ahead (a planned end); the others may not

    class Meta:
        abstract = True

    @property
    def timeline_date(self):
        return getattr(self, self.date_field)


class HelpGroupMember(PersonRecord):
    """A member of the person's help group (帮扶小组)."""

    role = models.CharField(_("role in the group"), max_length=16, choices=HelperRole.choices)
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    date_field = "joined_on"
    future_fields = ("left_on",)

    class Meta:
        ordering = ["role", "name"]
        verbose_name = _("help group member")
        verbose_name_plural = _("help group members")
        default_related_name = "helpers"
        indexes = [models.Index(fields=ordering, name="helper_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Leaving cannot come before joining.")})


class Visit(PersonRecord):
    """A visit or talk (走访/谈话), and whether the person's whereabouts were confirmed."""

    visited_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices, default=VisitKind.HOME)
    visitors = models.CharField(_("who visited"), max_length=200, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    whereabouts_confirmed = models.BooleanField(_("whereabouts confirmed"), default=True)
    date_field = "visited_on"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        default_related_name = "visits"
        indexes = [
            models.Index(fields=["person", "-visited_on"], name="visit_person_date"),
            models.Index(fields=ordering, name="visit_list_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_on}"


class UrineTest(PersonRecord):
    """A urine test (尿检): scheduled or surprise; negative, positive (with substance), evaded or refused."""

    tested_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=TestKind.choices, default=TestKind.SCHEDULED)
    result = models.CharField(_("result"), max_length=16, choices=TestResult.choices)
    substance = models.CharField(_("substance"), max_length=64, blank=True)
    scope = Scope(path="person__township", edit=WORKER_POLICE_COUNTY)
    date_field = "tested_on"

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("urine test")
        verbose_name_plural = _("urine tests")
        default_related_name = "urine_tests"
        indexes = [
            models.Index(fields=ordering, name="test_list_order"),  # the list's order (issue 17)
            models.Index(fields=["person", "-tested_on"], name="test_person_date"),
            # Positive tests restart the abstinence clock; the indicators read these few rows, not every test.
            models.Index(
                fields=["tested_on", "person"], name="test_positive_date", condition=models.Q(result="positive")
            ),
        ]

    def __str__(self):
        return f"{self.get_result_display()} {self.tested_on}"

    def clean(self):
        """A positive test names the substance found; the other results name none."""
        if self.result == TestResult.POSITIVE and not self.substance.strip():
            raise ValidationError({"substance": _("A positive test must name the substance found.")})
        if self.result != TestResult.POSITIVE:
            self.substance = ""

    @property
    def missed(self) -> bool:
        """Evaded or refused: counts towards a serious breach."""
        return self.result in (TestResult.EVADED, TestResult.REFUSED)


class DrugUseFinding(PersonRecord):
    """A finding that the person used drugs again (复吸), from any source."""

    found_on = models.DateField(_("date found"))
    source = models.CharField(_("source"), max_length=16, choices=FindingSource.choices, default=FindingSource.POLICE)
    details = models.TextField(_("details"), blank=True)
    scope = Scope(path="person__township", edit=POLICE_AND_COUNTY)
    date_field = "found_on"

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("drug-use finding")
        verbose_name_plural = _("drug-use findings")
        default_related_name = "findings"
        indexes = [models.Index(fields=ordering, name="finding_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.get_source_display()} {self.found_on}"


class Counselling(PersonRecord):
    """A psychological counselling session or an AIDS/infectious-disease prevention session."""

    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=CounsellingKind.choices)
    counsellor = models.CharField(_("counsellor"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    date_field = "held_on"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        default_related_name = "counselling"
        indexes = [models.Index(fields=ordering, name="counselling_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class Leave(PersonRecord):
    """Written leave (请假) for an absence of three days or more from the county."""

    leave_from = models.DateField(_("from"))
    leave_until = models.DateField(_("until"))
    destination = models.CharField(_("destination"), max_length=200)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    date_field = "leave_from"
    future_fields = ("leave_until",)

    class Meta:
        ordering = ["-leave_from", "-id"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave records")
        default_related_name = "leaves"
        indexes = [models.Index(fields=ordering, name="leave_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.leave_from} – {self.leave_until} {self.destination}"

    def clean(self):
        if self.leave_from and self.leave_until:
            if self.leave_until < self.leave_from:
                raise ValidationError({"leave_until": _("The leave cannot end before it starts.")})
            if (self.leave_until - self.leave_from).days + 1 < LEAVE_MIN_DAYS:
                raise ValidationError({"leave_until": _("Written leave is for absences of 3 days or more.")})
        if self.returned_on and self.leave_from and self.returned_on < self.leave_from:
            raise ValidationError({"returned_on": _("The return cannot come before the departure.")})


class Absence(PersonRecord):
    """Leaving the county without permission (擅自离开), counted towards a serious breach."""

    left_on = models.DateField(_("left on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    scope = Scope(path="person__township", edit=WORKER_POLICE_COUNTY)
    date_field = "left_on"

    class Meta:
        ordering = ["-left_on", "-id"]
        verbose_name = _("unauthorised absence")
        verbose_name_plural = _("unauthorised absences")
        default_related_name = "absences"
        indexes = [models.Index(fields=ordering, name="absence_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.left_on} – {self.returned_on or '…'}"

    def clean(self):
        if self.returned_on and self.left_on and self.returned_on < self.left_on:
            raise ValidationError({"returned_on": _("The return cannot come before the departure.")})

    def days(self, today) -> int:
        """Days away so far (an open absence counts until ``today``)."""
        return ((self.returned_on or today) - self.left_on).days


class StatusEvent(PersonRecord):
    """Deceased, left the country, whereabouts lost or found, detained or released, imprisoned."""

    kind = models.CharField(_("event"), max_length=16, choices=StatusKind.choices)
    occurred_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    scope = Scope(path="person__township", edit=WORKER_POLICE_COUNTY)
    date_field = "occurred_on"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        default_related_name = "status_events"
        indexes = [models.Index(fields=ordering, name="statusevent_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"


class Alert(PersonRecord):
    """A serious-breach or late-report alert for the county office and police; people decide what follows."""

    kind = models.CharField(_("alert"), max_length=16, choices=AlertKind.choices)
    raised_on = models.DateField(_("raised on"))
    count = models.PositiveIntegerField(_("count"), default=0)
    measure = models.ForeignKey("cases.Measure", models.PROTECT, null=True, blank=True, related_name="alerts")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    scope = Scope(path="person__township", edit=POLICE_AND_COUNTY)
    date_field = "raised_on"

    class Meta:
        # open alerts first, then the latest decided (where a null sorts is said, not left to the engine: SQLite
        # and PostgreSQL differ)
        ordering = [models.F("acknowledged_on").desc(nulls_first=True), "-raised_on", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        default_related_name = "alerts"
        constraints = [models.UniqueConstraint(fields=["person", "measure", "kind"], name="one_alert_per_breach")]
        # the list's order, whose first rows are the open alerts on every home page (issue 17: a province's took
        # 0.2 s to sort); a descending column holds its nulls first
        indexes = [models.Index(fields=["-acknowledged_on", "-raised_on", "-id"], name="alert_list_order")]

    def __str__(self):
        return self.get_kind_display()


class ScheduleRule(models.Model):
    """How often an activity is due in a given year of a community measure (DESIGN §3 defaults).

    Not personal data: the schedule is configuration, editable in Django admin.
    """

    activity = models.CharField(_("activity"), max_length=16, choices=ScheduledActivity.choices)
    measure_year = models.PositiveSmallIntegerField(_("measure year"))
    interval_days = models.PositiveSmallIntegerField(_("every (days)"))

    class Meta:
        ordering = ["activity", "measure_year"]
        verbose_name = _("schedule rule")
        verbose_name_plural = _("schedule rules")
        constraints = [models.UniqueConstraint(fields=["activity", "measure_year"], name="one_rule_per_year")]

    def __str__(self):
        return f"{self.get_activity_display()} year {self.measure_year}: {self.interval_days}"
