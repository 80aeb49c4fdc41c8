"""Writes of the core: staff accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import User


@transaction.atomic
def staff_save(*, manager: User, account: User, password: str | None = None) -> User:
    """Create or change a staff account on behalf of ``manager``.

    The account must be manageable by ``manager`` before the change (for an existing account) and
    after it, checked inside the transaction, so nobody can create or move an account outside the
    levels below their own region.
    """
    if account.pk and not User.objects.manageable_by(manager).filter(pk=account.pk).exists():
        raise PermissionDenied
    account.full_clean(exclude=["password"])
    if password:
        validate_password(password, account)
        account.set_password(password)
    elif not account.pk:
        account.set_unusable_password()
    account.save()
    if not User.objects.manageable_by(manager).filter(pk=account.pk).exists():
        raise PermissionDenied
    return account
