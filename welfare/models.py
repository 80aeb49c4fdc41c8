"""Welfare (社会保障): applications for minimum living guarantee, medical insurance, disability assistance
and temporary relief, and the civil-affairs department's decisions on them (DESIGN §3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.records import PersonRecord
from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Department, Role

from .choices import CASH_KINDS, MEDICAL_KINDS, ONE_OFF_KINDS, BenefitKind, BenefitStatus

DECIDED = (BenefitStatus.APPROVED, BenefitStatus.REFUSED, BenefitStatus.ENDED)
GRANTED = (BenefitStatus.APPROVED, BenefitStatus.ENDED)


class BenefitQuerySet(ScopedQuerySet):
    def open(self) -> "BenefitQuerySet":
        """Applications awaiting a decision and running benefits (a paid one-off benefit is settled)."""
        running = models.Q(status=BenefitStatus.APPROVED) & ~models.Q(kind__in=ONE_OFF_KINDS)
        return self.filter(models.Q(status=BenefitStatus.APPLIED) | running)


class Benefit(PersonRecord):
    """An application for a welfare benefit and its outcome.

    The township (or the county office) applies; civil-affairs staff of the region approve it with an
    amount and a start, refuse it with a reason, and later end it. ``recorded_by`` is who applied.
    """

    kind = models.CharField(_("benefit"), max_length=32, choices=BenefitKind.choices)
    applied_on = models.DateField(_("applied on"))
    application_notes = models.TextField(_("application notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BenefitStatus.choices, default=BenefitStatus.APPLIED, editable=False
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Monthly, or once for temporary relief. None for medical insurance."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    decision_notes = models.TextField(_("decision notes"), blank=True)

    objects = BenefitQuerySet.as_manager()
    # The township or county applies, the county corrects, civil affairs decides and ends.
    scope = Scope(
        path="person__township",
        edit={Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER, Role.DEPARTMENT_STAFF},
        departments=(Department.CIVIL_AFFAIRS,),
        actions={
            "add": Action({Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER}),
            "correct": Action({Role.COUNTY_OFFICER}),
            "decide": Action({Role.DEPARTMENT_STAFF}),
            "end": Action({Role.DEPARTMENT_STAFF}),
        },
    )
    date_field = "applied_on"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("welfare benefit")
        verbose_name_plural = _("welfare benefits")
        default_related_name = "benefits"
        indexes = [
            models.Index(fields=["person", "-applied_on"], name="benefit_person_date"),
            models.Index(fields=ordering, name="benefit_list_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.applied_on}"

    @property
    def is_medical(self) -> bool:
        return self.kind in MEDICAL_KINDS

    @property
    def is_monthly(self) -> bool:
        """Cash benefits are paid monthly, temporary relief once."""
        return self.kind in CASH_KINDS and self.kind not in ONE_OFF_KINDS

    def clean(self):
        errors = {}
        if self.is_medical and self.amount is not None:
            errors["amount"] = _("Medical insurance carries no amount.")
        if self.status in GRANTED:
            if self.kind in CASH_KINDS and self.amount is None:
                errors["amount"] = _("Give the amount approved.")
            if not self.starts_on:
                errors["starts_on"] = _("Give the day the benefit starts.")
        if self.status in DECIDED and not self.decided_on:
            errors["decided_on"] = _("Give the decision date.")
        if self.status == BenefitStatus.REFUSED and not self.decision_notes.strip():
            errors["decision_notes"] = _("Give the reason for the refusal.")
        if self.decided_on and self.applied_on and self.decided_on < self.applied_on:
            errors["decided_on"] = _("The decision cannot come before the application.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A benefit cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
