"""Writes of the placement app: bases, placements, follow-ups, subsidies and loans."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.services import record_save
from sunshine.access import ensure, ensure_editable, may, scoped_save
from sunshine.models import User
from sunshine.regions import RegionCode
from sunshine.validators import check_field, not_in_future

from .choices import LoanStatus, PlacementMode
from .models import BaseSubsidy, Employer, FollowUp, Loan, Placement, PlacementBase


@transaction.atomic
def base_save(*, user: User, base: PlacementBase) -> PlacementBase:
    """Create or change a placement base of the county office's own county."""
    if base._state.adding and not may(user, "add", PlacementBase):
        raise PermissionDenied
    if base.region_id and not RegionCode(base.region_id).is_township:
        raise ValidationError({"region": _("Choose a township.")})
    errors = {}
    check_field(errors, "opened_on", not_in_future, base.opened_on)
    if errors:
        raise ValidationError(errors)
    return scoped_save(user, base)


@transaction.atomic
def employer_save(*, user: User, employer: Employer) -> Employer:
    if employer._state.adding and not may(user, "add", Employer):
        raise PermissionDenied
    return scoped_save(user, employer)


def placement_validate(placement: Placement, *, others: list[Placement] | None = None) -> None:
    """The rules of a placement: where, contract dates, no two full-time placements at once.

    ``others`` are the person's other placements; by default they are read from the database. A caller
    checking many placements at once (the roster import, whose rows are not saved yet) passes them, and
    may give the base as an unsaved object.
    """
    errors = {}
    mode = placement.mode
    if mode == PlacementMode.CONCENTRATED and placement.base is None:
        errors["base"] = _("A concentrated placement is at a placement base.")
    if mode == PlacementMode.SELF_EMPLOYED:
        if placement.contract_end:
            errors["contract_end"] = _("Self-employment has no contract end.")
    elif not placement.contract_end:
        errors["contract_end"] = _("Give the last day of the contract.")
    if placement.contract_end and placement.contract_end < placement.contract_start:
        errors["contract_end"] = _("The contract cannot end before it starts.")
    if placement.left_on and placement.left_on < placement.contract_start:
        errors["left_on"] = _("The person cannot leave before starting.")
    check_field(errors, "contract_start", not_in_future, placement.contract_start)
    if placement.base is not None and placement.base.opened_on > placement.contract_start:
        errors["base"] = _("The base opened on %(day)s, after this contract starts.") % {
            "day": placement.base.opened_on.isoformat()
        }
    if placement.tax_policy_marked and not placement.employment_certificate:
        errors["employment_certificate"] = _("Give the number of the certificate marked for the tax policy.")
    if not errors:
        start, end = placement.contract_start, placement.last_day or dt.date.max
        if others is None:
            others = Placement.objects.filter(person_id=placement.person_id).exclude(pk=placement.pk)
        for other in others:
            if other.contract_start <= end and start <= (other.last_day or dt.date.max):
                errors["contract_start"] = _("This overlaps another placement (from %(day)s).") % {
                    "day": other.contract_start.isoformat()
                }
                break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_save(*, user: User, placement: Placement) -> Placement:
    """Record or correct a placement (township worker or county office, within scope)."""
    placement_validate(placement)
    placement.long_contract = Placement.is_long(placement.contract_start, placement.contract_end)
    return record_save(user=user, record=placement)


@transaction.atomic
def follow_up_save(*, user: User, follow_up: FollowUp) -> FollowUp:
    follow_up.person_id = follow_up.placement.person_id
    if follow_up.visited_on and follow_up.visited_on < follow_up.placement.contract_start:
        raise ValidationError({"visited_on": _("The follow-up cannot come before the placement starts.")})
    return record_save(user=user, record=follow_up)


@transaction.atomic
def subsidy_decide(*, user: User, subsidy: BaseSubsidy) -> BaseSubsidy:
    """Start-up subsidy decisions are the provincial committee's."""
    ensure(user, "decide_subsidy", subsidy.base)
    if subsidy.paid_on and subsidy.paid_on < subsidy.decided_on:
        raise ValidationError({"paid_on": _("Payment cannot come before the decision.")})
    if subsidy.amount is not None and subsidy.amount <= 0:
        raise ValidationError({"amount": _("Give a positive amount.")})
    subsidy.decided_by = user
    subsidy.full_clean()
    subsidy.save()
    return subsidy


@transaction.atomic
def loan_apply(*, user: User, loan: Loan) -> Loan:
    if loan.amount is not None and loan.amount <= 0:
        raise ValidationError({"amount": _("Give a positive amount.")})
    loan.status = LoanStatus.APPLIED
    return record_save(user=user, record=loan)


@transaction.atomic
def loan_decide(*, user: User, loan: Loan, status: str, decided_on: dt.date) -> Loan:
    """The county office approves or refuses an application, or records its repayment."""
    ensure_editable(user, loan)
    ensure(user, "decide", loan)
    if decided_on < loan.applied_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the application.")})
    loan.status, loan.decided_on = status, decided_on
    return record_save(user=user, record=loan)
