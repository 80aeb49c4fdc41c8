"""Job placement (就业安置): employers, placement bases, placements, follow-ups, subsidies and loans."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models.records import WORKER_AND_COUNTY, PersonRecord
from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Role
from sunshine.dates import add_years
from sunshine.models import Region, prefix_index

from .choices import BaseKind, LoanStatus, PayingLevel, PlacementMode, ScaleClass

TAX_RELIEF_YEARS = 3
LARGE_SCALE, MEDIUM_SCALE = 100, 50


class Employer(models.Model):
    """An employer that takes on persons in rehabilitation (not personal data)."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    contact = models.CharField(_("contact person"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", public=True, edit={Role.COUNTY_OFFICER})

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self):
        return self.name


class PlacementBase(models.Model):
    """A placement base or point (安置基地/安置点). Its scale on a day is derived from placements."""

    code = models.CharField(_("base code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=BaseKind.choices, default=BaseKind.BASE)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", db_index=False, verbose_name=_("township"))
    employer = models.ForeignKey(Employer, models.PROTECT, null=True, blank=True, verbose_name=_("employer"))
    opened_on = models.DateField(_("opening date"))
    declared_capacity = models.PositiveIntegerField(_("declared capacity"), default=0)
    contact = models.CharField(_("contact person"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    management_rules = models.TextField(_("management rules"), blank=True)
    has_union = models.BooleanField(_("trade union set up"), default=False)
    has_youth_league = models.BooleanField(_("youth league set up"), default=False)
    has_womens_federation = models.BooleanField(_("women's federation set up"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        path="region",
        public=True,
        edit={Role.COUNTY_OFFICER},
        actions={"decide_subsidy": Action({Role.PROVINCE_OFFICER})},  # the provincial start-up subsidy
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("placement base")
        verbose_name_plural = _("placement bases")
        indexes = [prefix_index("region", "base_region_prefix")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("placement:base_detail", args=[self.pk])


def scale_class(scale: int) -> ScaleClass:
    """Bases of scale ≥ 100 and 50–99 qualify for the provincial start-up subsidy."""
    if scale >= LARGE_SCALE:
        return ScaleClass.LARGE
    if scale >= MEDIUM_SCALE:
        return ScaleClass.MEDIUM
    return ScaleClass.SMALL


class PlacementQuerySet(ScopedQuerySet):
    def active_on(self, day: dt.date) -> "PlacementQuerySet":
        """Started on or before ``day`` and not past its last day (contract end or leaving)."""
        return self.filter(contract_start__lte=day).filter(
            (Q(contract_end__isnull=True) | Q(contract_end__gte=day)) & (Q(left_on__isnull=True) | Q(left_on__gte=day))
        )

    def long_contracts(self) -> "PlacementQuerySet":
        """Contracts of one year or more: the end date is the last day, so 2013-11-01 to 2014-10-31 counts."""
        return self.filter(long_contract=True)


class Placement(PersonRecord):
    """A job placement of a person: mode, where, contract, social insurance, wage."""

    mode = models.CharField(_("mode"), max_length=16, choices=PlacementMode.choices)
    base = models.ForeignKey(
        PlacementBase, models.PROTECT, null=True, blank=True, related_name="placements", verbose_name=_("base")
    )
    employer = models.ForeignKey(
        Employer, models.PROTECT, null=True, blank=True, related_name="placements", verbose_name=_("employer")
    )
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(
        _("contract end"), null=True, blank=True, help_text=_("The last day of the contract.")
    )
    long_contract = models.BooleanField(_("contract of one year or more"), default=False, editable=False)
    social_insurance = models.BooleanField(_("social insurance paid"), default=False)
    wage = models.DecimalField(_("monthly wage (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True)
    employment_certificate = models.CharField(_("employment registration certificate"), max_length=64, blank=True)
    tax_policy_marked = models.BooleanField(_("certificate marked for enterprise tax policy"), default=False)
    left_on = models.DateField(_("last day worked"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = PlacementQuerySet.as_manager()
    scope = Scope(path="person__township", edit=WORKER_AND_COUNTY)
    date_field = "contract_start"
    future_fields = ("contract_end",)

    class Meta:
        ordering = ["-contract_start", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        default_related_name = "placements"
        indexes = [
            models.Index(fields=ordering, name="placement_list_order"),  # the list's order (issue 17)
            # Dispersed placements, followed up monthly (the work list): a quarter of all placements.
            models.Index(fields=["person"], name="placement_dispersed", condition=Q(mode=PlacementMode.DISPERSED)),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} {self.base or self.employer or ''}".strip()

    @staticmethod
    def is_long(start: dt.date, end: dt.date | None) -> bool:
        """One year or more: the last day is at least the day before the first anniversary."""
        return end is not None and end >= add_years(start, 1) - dt.timedelta(days=1)

    @property
    def last_day(self) -> dt.date | None:
        days = [day for day in (self.contract_end, self.left_on) if day]
        return min(days) if days else None

    def is_active_on(self, day: dt.date) -> bool:
        return self.contract_start <= day and (self.last_day is None or day <= self.last_day)

    @property
    def tax_relief_until(self) -> dt.date:
        """Tax relief runs three years from the hire."""
        return add_years(self.contract_start, TAX_RELIEF_YEARS)


class FollowUp(PersonRecord):
    """A follow-up visit to a person in a dispersed placement."""

    placement = models.ForeignKey(Placement, models.PROTECT, related_name="follow_ups", verbose_name=_("placement"))
    visited_on = models.DateField(_("date"))
    still_employed = models.BooleanField(_("still employed"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    scope = Scope(path="person__township", edit=WORKER_AND_COUNTY)
    date_field = "visited_on"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("placement follow-up")
        verbose_name_plural = _("placement follow-ups")
        default_related_name = "placement_follow_ups"
        indexes = [
            models.Index(fields=ordering, name="followup_list_order"),  # the list's order (issue 17)
            models.Index(fields=["placement", "visited_on"], name="followup_placement_date"),  # the latest one
        ]

    def __str__(self):
        return f"{self.visited_on}"


class BaseSubsidy(models.Model):
    """A start-up subsidy decision (前期建设扶持补助) for a base, and its payment."""

    base = models.ForeignKey(PlacementBase, models.PROTECT, related_name="subsidies", verbose_name=_("base"))
    decided_on = models.DateField(_("decision date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paying_level = models.CharField(_("paying level"), max_length=16, choices=PayingLevel.choices)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("base subsidy")
        verbose_name_plural = _("base subsidies")

    def __str__(self):
        return f"{self.base} {self.amount}"


class Loan(PersonRecord):
    """A small guaranteed loan with interest subsidy (小额担保贷款贴息)."""

    applied_on = models.DateField(_("applied on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    lender = models.CharField(_("lender"), max_length=100, blank=True)
    interest_subsidy = models.BooleanField(_("interest subsidy"), default=True)
    status = models.CharField(_("status"), max_length=16, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    scope = Scope(path="person__township", edit=WORKER_AND_COUNTY, actions={"decide": Action({Role.COUNTY_OFFICER})})
    date_field = "applied_on"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("guaranteed loan")
        verbose_name_plural = _("guaranteed loans")
        default_related_name = "loans"
        indexes = [models.Index(fields=ordering, name="loan_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.amount} {self.get_status_display()}"
