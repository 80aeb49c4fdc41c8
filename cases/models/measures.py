"""Measures (措施) and their legal clocks (DESIGN §3). Clocks are computed, never typed in."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Department, Role
from sunshine.concurrency import Versioned
from sunshine.dates import add_months, add_years, whole_years_between

from ..choices import COMMUNITY_MEASURES, EndReason, MeasureKind

REPORT_DAYS = 15  # a CD/CR order must be reported to the township within 15 days
DISCHARGE_NOTICE_DAYS = 7  # the township is told of a discharge within 7 days
COMMUNITY_TERM_YEARS = 3
ISOLATION_TERM_YEARS = 2
MAX_ISOLATION_EXTENSION_MONTHS = 12
EARLY_RELEASE_AFTER_YEARS = 1


class MeasureQuerySet(ScopedQuerySet):
    def active_on(self, day: dt.date) -> "MeasureQuerySet":
        """Started on or before ``day`` and not yet ended (the end date is the day it stops)."""
        return self.filter(Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day)))

    def community(self) -> "MeasureQuerySet":
        return self.filter(kind__in=COMMUNITY_MEASURES)


class Measure(Versioned):
    """A dated measure: community detox or rehabilitation, compulsory isolation, voluntary detox,
    methadone maintenance or facility rehabilitation.

    For CD and CR the clock starts on the report date (``started_on`` = ``reported_on``); CIDT starts
    on its decision. ``planned_end`` is derived: CD 3 years, CR its term (up to 3 years), CIDT 2 years
    plus any extension (up to 1 year); the others have none.
    """

    person = models.ForeignKey("cases.Person", models.PROTECT, related_name="measures", verbose_name=_("person"))
    kind = models.CharField(_("measure"), max_length=32, choices=MeasureKind.choices)
    authority = models.CharField(_("deciding authority"), max_length=100, blank=True)
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    ordered_on = models.DateField(_("order date"), null=True, blank=True)
    reported_on = models.DateField(_("report date"), null=True, blank=True)
    agreement_on = models.DateField(_("agreement date"), null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, help_text=_("Community rehabilitation: up to 36 months.")
    )
    extension_months = models.PositiveSmallIntegerField(
        _("extension (months)"), default=0, help_text=_("Compulsory isolation: up to 12 months.")
    )
    pregnant = models.BooleanField(_("pregnant at the decision"), default=False)
    nursing_infant = models.BooleanField(_("nursing an infant under one year at the decision"), default=False)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=32, choices=EndReason.choices, blank=True)
    discharge_notified_on = models.DateField(_("township told of discharge on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureQuerySet.as_manager()
    # The township records the report and the discharge notice ("change"); decisions are the county office's.
    scope = Scope(
        path="person__township",
        edit={Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER},
        departments=(Department.HEALTH,),
        actions={name: Action({Role.COUNTY_OFFICER}) for name in ("order", "correct", "close", "escalate")},
    )

    class Meta:
        # the newest first, and an order not yet started (awaiting its report) before them all: where a null goes is
        # said, not left to the engine (SQLite and PostgreSQL put it at opposite ends)
        ordering = [
            models.F("started_on").desc(nulls_first=True),
            models.F("ordered_on").desc(nulls_first=True),
            "-id",
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            # the list's order (issue 17): a descending column holds its nulls first
            models.Index(fields=["-started_on", "-ordered_on", "-id"], name="measure_list_order"),
            # The few measures not ended (active, or orders awaiting their report): the work list's rows.
            models.Index(fields=["ended_on"], name="measure_ended_on"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on or self.ordered_on or ''}"

    @property
    def is_community(self) -> bool:
        return self.kind in COMMUNITY_MEASURES

    @property
    def report_deadline(self) -> dt.date | None:
        """The last day to report: order date + 15 days (CD/CR only)."""
        if not self.is_community or not self.ordered_on:
            return None
        return self.ordered_on + dt.timedelta(days=REPORT_DAYS)

    def reported_late(self, today: dt.date | None = None) -> bool:
        """Reported after the deadline, or not reported and the deadline has passed (a refusal)."""
        deadline = self.report_deadline
        if deadline is None:
            return False
        if self.reported_on:
            return self.reported_on > deadline
        return (today or dt.date.today()) > deadline

    @property
    def planned_end(self) -> dt.date | None:
        if not self.started_on:
            return None
        if self.kind == MeasureKind.COMMUNITY_DETOX:
            return add_years(self.started_on, COMMUNITY_TERM_YEARS)
        if self.kind == MeasureKind.COMMUNITY_REHAB:
            return add_months(self.started_on, self.term_months or 12 * COMMUNITY_TERM_YEARS)
        if self.kind == MeasureKind.COMPULSORY_ISOLATION:
            return add_months(add_years(self.started_on, ISOLATION_TERM_YEARS), self.extension_months)
        return None

    @property
    def early_release_from(self) -> dt.date | None:
        """Compulsory isolation may end early once it has run a year."""
        if self.kind != MeasureKind.COMPULSORY_ISOLATION or not self.started_on:
            return None
        return add_years(self.started_on, EARLY_RELEASE_AFTER_YEARS)

    def is_active_on(self, day: dt.date) -> bool:
        return bool(self.started_on and self.started_on <= day and (self.ended_on is None or self.ended_on > day))

    def year_on(self, day: dt.date) -> int:
        """The measure year ``day`` falls in: 1 in the first year, 2 in the second..."""
        return whole_years_between(self.started_on, day) + 1 if self.started_on else 1

    @property
    def discharge_notice_deadline(self) -> dt.date | None:
        if self.is_community and self.end_reason == EndReason.COMPLETED and self.ended_on:
            return self.ended_on + dt.timedelta(days=DISCHARGE_NOTICE_DAYS)
        return None
