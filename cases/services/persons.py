"""Registering and changing persons."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from sunshine.access import ensure_editable
from sunshine.models import User

from ..id_numbers import birth_date_of, normalize_id_number, sex_of
from ..models import Person


def pinyin_initials(name: str) -> str:
    """张三丰 → zsf: lets a worker find a person by typing the initials on a phone keyboard."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _duplicate_message(user: User, existing: Person):
    """Name the existing record if the user may see it; say it is sealed, without showing it, if it is a sealed file
    of the user's region (a new case may reopen it, DESIGN §3b); otherwise say only that it exists elsewhere."""
    if existing.sealed and Person.objects.sealed_from(user).filter(pk=existing.pk).exists():
        return format_html(
            '{} <a href="{}">{}</a>',
            _("This person's file is sealed by law; a lawful query is needed."),
            reverse("cases:sealed_case"),
            _("Record a new case (drug-use finding, positive test or measure order)"),
        )
    if Person.objects.visible_to(user).filter(pk=existing.pk).exists():
        return format_html(
            '{} <a href="{}">{}</a>',
            _("This ID number is already registered:"),
            existing.get_absolute_url(),
            existing.name,
        )
    return _("This ID number is already registered elsewhere; ask the county office.")


def _prepare(*, user: User, person: Person) -> None:
    try:
        person.id_number = normalize_id_number(person.id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    existing = Person.objects.exclude(pk=person.pk).filter(id_number=person.id_number).first()
    if existing is not None:
        raise ValidationError({"id_number": _duplicate_message(user, existing)})
    person.birth_date = birth_date_of(person.id_number)
    person.sex = sex_of(person.id_number)
    person.name_initials = pinyin_initials(person.name)
    if person.first_use_on and person.registered_on and person.first_use_on > person.registered_on:
        raise ValidationError({"first_use_on": _("The first use cannot come after the date first found.")})
    person.full_clean()


@transaction.atomic
def person_register(*, user: User, person: Person) -> Person:
    """Register a new person in a township the user may edit."""
    _prepare(user=user, person=person)
    person.save()
    ensure_editable(user, person)
    return person


@transaction.atomic
def person_update(*, user: User, person: Person) -> Person:
    """Save changes to a person the user may edit, into a township the user may still edit."""
    ensure_editable(user, person)
    _prepare(user=user, person=person)
    person.save()
    ensure_editable(user, person)
    return person
