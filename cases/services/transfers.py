"""Transfers of the place of execution (执行地变更), DESIGN §3."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.access import ensure, ensure_editable
from sunshine.choices import Level, Role
from sunshine.models import Region, User
from sunshine.validators import check_field, not_in_future

from ..choices import TransferStatus
from ..models import Person, Transfer
from ..models.transfers import receiving


@transaction.atomic
def transfer_start(
    *, user: User, person: Person, to_township: Region, requested_on: dt.date, reason: str = ""
) -> Transfer:
    """The sending township asks to hand the person over to another township."""
    ensure_editable(user, person)
    errors = {}
    if to_township.level != Level.TOWNSHIP:
        errors["to_township"] = _("Choose a township.")
    elif to_township.code == person.township_id:
        errors["to_township"] = _("The person already belongs to this township.")
    check_field(errors, "requested_on", not_in_future, requested_on)
    if Transfer.objects.filter(person=person).open().exists():
        errors["to_township"] = _("A transfer of this person is already open.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        person=person,
        from_township_id=person.township_id,
        to_township=to_township,
        requested_on=requested_on,
        reason=reason,
        requested_by=user,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


def _open(transfer: Transfer) -> None:
    if not transfer.is_open:
        raise ValidationError({"status": _("This transfer is no longer open.")})


def _complete(transfer: Transfer, effective_on: dt.date) -> Transfer:
    """Hand the person over: from now on only the receiving side sees them. The clock runs on."""
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.township_id != transfer.from_township_id:
        raise ValidationError({"status": _("The person has moved since this transfer was started.")})
    person.township_id = transfer.to_township_id
    person.save(update_fields=["township", "updated_at"])
    transfer.status = TransferStatus.ACCEPTED
    transfer.effective_on = effective_on
    transfer.save()
    return transfer


@transaction.atomic
def transfer_accept(*, user: User, transfer: Transfer, effective_on: dt.date) -> Transfer:
    """The receiving township accepts; across counties the receiving county office approves next."""
    ensure_editable(user, transfer)
    _open(transfer)
    ensure(user, "accept", transfer)
    if effective_on < transfer.requested_on or effective_on > dt.date.today():
        raise ValidationError({"effective_on": _("The hand-over falls between the request and today.")})
    transfer.decided_by = user
    transfer.effective_on = effective_on
    if transfer.crosses_counties and not transfer.county_approved_on:
        if user.role == Role.COUNTY_OFFICER:
            transfer.county_approved_by, transfer.county_approved_on = user, dt.date.today()
        else:
            transfer.status = TransferStatus.AWAITING_COUNTY
            transfer.save()
            return transfer
    return _complete(transfer, effective_on)


@transaction.atomic
def transfer_approve(*, user: User, transfer: Transfer) -> Transfer:
    """The receiving county office approves a transfer between counties the township accepted."""
    ensure_editable(user, transfer)
    if transfer.status != TransferStatus.AWAITING_COUNTY:
        raise ValidationError({"status": _("This transfer is not awaiting county approval.")})
    ensure(user, "approve", transfer)
    transfer.county_approved_by, transfer.county_approved_on = user, dt.date.today()
    return _complete(transfer, transfer.effective_on)


@transaction.atomic
def transfer_reject(*, user: User, transfer: Transfer, notes: str) -> Transfer:
    """The receiving side refuses the transfer, or the sending side withdraws it."""
    ensure_editable(user, transfer)
    _open(transfer)
    ensure(user, "reject", transfer)
    transfer.status = TransferStatus.REJECTED if receiving(user, transfer) else TransferStatus.CANCELLED
    transfer.decided_by = user
    transfer.decision_notes = notes
    transfer.save()
    return transfer
