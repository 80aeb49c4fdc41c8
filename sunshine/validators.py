"""Validators every app shares."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_DAY = dt.date(1900, 1, 1)


def validate_since_1900(value: dt.date | None) -> None:
    """No date in these records is before 1900: a three-digit or 18xx year is a typing slip (the browser's date
    picker lets "0439" through, and it would be shown as 439-02-14)."""
    if value is not None and value < EARLIEST_DAY:
        raise ValidationError(_("Enter a date from 1900-01-01 on."), code="too_early")


def install_date_validators() -> None:
    """Make every date a form or an API serializer reads pass ``validate_since_1900``: the form and serializer
    date fields get it among their default validators, so no form, filter or serializer can forget it."""
    from django import forms
    from rest_framework import serializers

    for field in (forms.DateField, serializers.DateField):
        if validate_since_1900 not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_since_1900]
