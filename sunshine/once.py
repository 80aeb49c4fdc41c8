"""One-time ids: a creating request made twice (a resubmitted form, a retried API call, an offline record
sent again) creates one row.

The client makes a UUID per thing it means to create: a hidden field of every creating form, the
``Idempotency-Key`` header of an API POST, the ``id`` of a record sent to the sync endpoint. ``create_once``
records the key in the same transaction as the row; a second request with that key gets the first row
back instead of a new one.
"""

import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .models import OneTimeKey, User

FIELD_NAME = "one_time_id"  # the hidden field of creating forms
HEADER = "Idempotency-Key"  # the header of creating API calls


def parse_key(value, *, field: str = "id") -> uuid.UUID | None:
    """The key a client sent, or None when it sent none; a malformed key is refused (on ``field``)."""
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({field: _("This is not a valid one-time id (UUID).")}) from None


def _created_by_key(*, user: User, key: uuid.UUID):
    """The row created under ``key``, or None if the key is unused. A key used by another account is refused."""
    entry = OneTimeKey.objects.select_related("content_type").filter(key=key).first()
    if entry is None:
        return None
    if entry.user_id != user.pk:
        raise ValidationError({"id": _("This one-time id has already been used.")})
    row = entry.content_type.model_class()._default_manager.filter(pk=entry.object_id).first()
    if row is None:  # created, then removed: the id stays spent
        raise ValidationError({"id": _("This one-time id has already been used.")})
    return row


def create_once(
    *, user: User, key: uuid.UUID | None, create: Callable[[], models.Model], unused: bool = False
) -> tuple[object, bool]:
    """Run ``create`` (which returns the row it saved) unless ``key`` was used already; return (row, created).

    ``unused``: the caller has just looked the key up (a batch looks all its keys up at once); skip that query.

    On a repeat the row is the one the first request created, read without scoping: callers show it
    only through their own scoped read. Two simultaneous requests with one key: the second one's key
    insert fails on the primary key, its transaction (row included) is rolled back, and it answers with
    the first one's row.
    """
    if key is None:
        return create(), True
    existing = None if unused else _created_by_key(user=user, key=key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = create()
            OneTimeKey.objects.create(
                key=key, user=user, content_type=ContentType.objects.get_for_model(row), object_id=str(row.pk)
            )
    except IntegrityError:
        existing = _created_by_key(user=user, key=key)
        if existing is None:
            raise
        return existing, False
    return row, True
