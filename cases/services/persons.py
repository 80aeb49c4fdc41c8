"""Registering and changing persons."""

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sunshine.access import ensure_editable, scoped_save
from sunshine.audit import registration_probe_record
from sunshine.models import User
from sunshine.pinyin import pinyin_initials
from sunshine.validators import check_field, not_before, not_before_birth, not_in_future

from ..id_numbers import birth_date_of, normalize_id_number, sex_of
from ..models import Person


class DuplicateIdNumber(ValidationError):
    """The ID number is registered already; ``elsewhere`` when the existing person is outside the user's reach."""

    def __init__(self, message, *, elsewhere: bool):
        super().__init__({"id_number": message})
        self.elsewhere = elsewhere


def _duplicate(user: User, existing: Person) -> DuplicateIdNumber:
    """Name the existing record if the user may see it; say it is sealed, without showing it, if it is a sealed file
    of the user's region (a new case may reopen it, DESIGN §3b); otherwise say only that it exists elsewhere."""
    if existing.sealed and Person.objects.sealed_from(user).filter(pk=existing.pk).exists():
        message = format_html(
            '{} <a href="{}">{}</a>',
            _("This person's file is sealed by law; a lawful query is needed."),
            reverse("cases:sealed_case"),
            _("Record a new case (drug-use finding, positive test or measure order)"),
        )
        return DuplicateIdNumber(message, elsewhere=True)  # it names no one, but says a file exists: counted
    if Person.objects.visible_to(user).filter(pk=existing.pk).exists():
        message = format_html(
            '{} <a href="{}">{}</a>',
            _("This ID number is already registered:"),
            existing.get_absolute_url(),
            existing.name,
        )
        return DuplicateIdNumber(message, elsewhere=False)
    return DuplicateIdNumber(
        _("This ID number is already registered elsewhere; ask the county office."), elsewhere=True
    )


@contextmanager
def _probe_audited(user: User):
    """Every duplicate answer is audited, after the refused transaction has rolled back (issue 12)."""
    try:
        yield
    except DuplicateIdNumber as answer:
        registration_probe_record(user=user, elsewhere=int(answer.elsewhere), seen=int(not answer.elsewhere),
                                  source="register")  # fmt: skip
        raise


def _check_dates(person: Person) -> None:
    """查获日期 and 首吸日期: neither in the future nor before birth, and the first use not after the date found."""
    today, errors = dt.date.today(), {}
    for field in ("registered_on", "first_use_on"):
        check_field(errors, field, not_in_future, getattr(person, field), today=today)
        check_field(errors, field, not_before_birth, getattr(person, field), person.birth_date)
    check_field(errors, "first_use_on", not_before, person.registered_on, person.first_use_on,
                _("The first use cannot come after the date first found."))  # fmt: skip
    if errors:
        raise ValidationError(errors)


def _prepare(*, user: User, person: Person) -> None:
    try:
        person.id_number = normalize_id_number(person.id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    existing = Person.objects.exclude(pk=person.pk).filter(id_number=person.id_number).first()
    if existing is not None:
        raise _duplicate(user, existing)
    person.birth_date = birth_date_of(person.id_number)
    person.sex = sex_of(person.id_number)
    person.name_initials = pinyin_initials(person.name)


def person_register(*, user: User, person: Person) -> Person:
    """Register a new person in a township the user may edit."""
    with _probe_audited(user):
        return _person_register(user=user, person=person)


@transaction.atomic
def _person_register(*, user: User, person: Person) -> Person:
    _prepare(user=user, person=person)
    return scoped_save(user, person, validate=_check_dates)


def person_update(*, user: User, person: Person) -> Person:
    """Save changes to a person the user may edit, into a township the user may still edit."""
    with _probe_audited(user):
        return _person_update(user=user, person=person)


@transaction.atomic
def _person_update(*, user: User, person: Person) -> Person:
    ensure_editable(user, person)  # before the duplicate check: only those who may change the person learn of one
    _prepare(user=user, person=person)
    return scoped_save(user, person, validate=_check_dates)
