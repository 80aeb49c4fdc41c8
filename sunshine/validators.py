"""Validators every app shares: dates since 1900, not in the future, not before another date."""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_DAY = dt.date(1900, 1, 1)


def validate_since_1900(value: dt.date | None) -> None:
    """No date in these records is before 1900: a three-digit or 18xx year is a typing slip (the browser's date
    picker lets "0439" through, and it would be shown as 439-02-14)."""
    if value is not None and value < EARLIEST_DAY:
        raise ValidationError(_("Enter a date from 1900-01-01 on."), code="too_early")


def not_in_future(value: dt.date | None, *, today: dt.date | None = None) -> None:
    """Nothing recorded here has happened yet: refuse a date after ``today`` (by default the machine's today; a
    caller checking many rows passes the day once)."""
    if value is not None and value > (today or dt.date.today()):
        raise ValidationError(_("This date is in the future."), code="future_date")


def not_before(value: dt.date | None, earliest: dt.date | None, message: str) -> None:
    """Refuse ``value`` when it comes before ``earliest``, with ``message`` naming the rule ("before the person was
    born"). Either date missing: nothing to compare."""
    if value is not None and earliest is not None and value < earliest:
        raise ValidationError(message, code="date_order")


def not_before_birth(value: dt.date | None, birth_date: dt.date | None) -> None:
    not_before(value, birth_date, _("This date is before the person was born."))


def check_field(errors: dict[str, str], field: str, validator: Callable[..., None], *args, **kwargs) -> None:
    """Run ``validator(*args, **kwargs)`` for ``field`` of a service's error dictionary: its message becomes
    ``errors[field]`` unless the field already has one (the first refusal of a field is the one shown)."""
    if field in errors:
        return
    try:
        validator(*args, **kwargs)
    except ValidationError as error:
        errors[field] = error.messages[0]


def install_date_validators() -> None:
    """Make every date a form or an API serializer reads pass ``validate_since_1900``: the form and serializer
    date fields get it among their default validators, so no form, filter or serializer can forget it."""
    from django import forms
    from rest_framework import serializers

    for field in (forms.DateField, serializers.DateField):
        if validate_since_1900 not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_since_1900]
