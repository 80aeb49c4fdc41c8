"""Writes of welfare benefits: the township applies, civil affairs decides and ends, the county office corrects.

Every refusal names the field it is about.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Person
from sunshine.access import ensure, ensure_editable, scoped_save
from sunshine.models import User
from sunshine.validators import check_field, not_in_future

from .choices import MEDICAL_KINDS, BenefitStatus
from .models import Benefit

OUTCOMES = (BenefitStatus.APPROVED, BenefitStatus.REFUSED)


def _not_in_future(benefit: Benefit) -> None:
    errors = {}
    for name in ("applied_on", "decided_on", "ends_on"):
        check_field(errors, name, not_in_future, getattr(benefit, name))
    if errors:
        raise ValidationError(errors)


def _check_duplicate(benefit: Benefit) -> None:
    """One open application or running benefit of a kind per person; the two medical schemes count as one."""
    kinds = MEDICAL_KINDS if benefit.is_medical else (benefit.kind,)
    open_ = Benefit.objects.open().filter(person_id=benefit.person_id, kind__in=kinds).exclude(pk=benefit.pk)
    other = open_.first()
    if other is not None:
        message = _("This person already has an open %(kind)s (applied on %(day)s).")
        raise ValidationError(
            {"kind": message % {"kind": other.get_kind_display(), "day": other.applied_on.isoformat()}}
        )


@transaction.atomic
def benefit_apply(
    *, user: User, person: Person, kind: str, applied_on: dt.date, application_notes: str = ""
) -> Benefit:
    """Apply for a benefit for a person of the user's township (or county)."""
    ensure(user, "add", Benefit)
    if not Person.objects.editable_by(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    benefit = Benefit(
        person=person, kind=kind, applied_on=applied_on, application_notes=application_notes, recorded_by=user
    )
    benefit.full_clean()
    _check_duplicate(benefit)
    return scoped_save(user, benefit, validate=_not_in_future)


@transaction.atomic
def benefit_decide(
    *,
    user: User,
    benefit: Benefit,
    outcome: str,
    decided_on: dt.date,
    amount: Decimal | None = None,
    starts_on: dt.date | None = None,
    decision_notes: str = "",
) -> Benefit:
    """Approve an application (with its amount and start) or refuse it (with the reason): civil affairs only."""
    ensure(user, "decide", benefit)
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)  # two officers deciding at once: one wins
    if benefit.status != BenefitStatus.APPLIED:
        raise ValidationError({"status": _("This application has already been decided.")})
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Approve or refuse the application.")})
    benefit.status, benefit.decided_on, benefit.decided_by = outcome, decided_on, user
    benefit.decision_notes = decision_notes
    if outcome == BenefitStatus.APPROVED:
        benefit.amount, benefit.starts_on = amount, starts_on
    return scoped_save(user, benefit, validate=_not_in_future)


@transaction.atomic
def benefit_end(*, user: User, benefit: Benefit, ends_on: dt.date) -> Benefit:
    """End a running benefit (civil affairs): the person no longer qualifies, moved away, died..."""
    ensure(user, "end", benefit)
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    if benefit.status != BenefitStatus.APPROVED:
        raise ValidationError({"status": _("Only an approved benefit can be ended.")})
    benefit.status, benefit.ends_on = BenefitStatus.ENDED, ends_on
    return scoped_save(user, benefit, validate=_not_in_future)


@transaction.atomic
def benefit_correct(*, user: User, benefit: Benefit) -> Benefit:
    """Correct an application's details (county office); the same rules as when applying hold."""
    ensure(user, "correct", benefit)
    ensure_editable(user, benefit)  # as stored, before the duplicate check
    benefit.full_clean()
    _check_duplicate(benefit)
    return scoped_save(user, benefit, validate=_not_in_future)
