"""Writes of the core: staff accounts and their API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .audit import client_address
from .models import ApiToken, StaffPeriod, User


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
    before = User.objects.filter(pk=account.pk).values("role", "region_id", "is_active").first() if account.pk else None
    if password:
        validate_password(password, account)
        account.set_password(password)
    elif not account.pk:
        account.set_unusable_password()
    account.save()
    _staff_periods_follow(account, before)
    if not User.objects.manageable_by(manager).filter(pk=account.pk).exists():
        raise PermissionDenied
    return account


def _staff_periods_follow(account: User, before: dict | None) -> None:
    """Keep the account's history (``StaffPeriod``): a change of role or region, or a deactivation, closes the
    open period today; an active account without an open period gets one from today."""
    today = timezone.localdate()
    now = {"role": account.role, "region_id": account.region_id, "is_active": account.is_active}
    if before == now:
        return
    StaffPeriod.objects.filter(user=account, ended_on__isnull=True).update(ended_on=today)
    if account.is_active:
        StaffPeriod.objects.create(user=account, role=account.role, region_id=account.region_id, started_on=today)


@transaction.atomic
def token_issue(*, user: User, two_factor: bool, request=None) -> str:
    """Issue an API token for ``user`` (signed in, with ``two_factor`` if the second factor was given)
    and return its secret, which is shown once and never stored."""
    client = request.headers.get("User-Agent", "")[:200] if request is not None else ""
    _token, secret = ApiToken.objects.create(
        user=user,
        stamp=user.token_stamp(),
        two_factor=two_factor,
        client=client,
        address=client_address(request),
    )
    return secret


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; anybody else's answers 404 like a missing one."""
    get_object_or_404(ApiToken.objects.filter(user=user), pk=token_id).delete()


def tokens_purge() -> int:
    """Delete expired API tokens and those of deactivated accounts (nightly); returns how many.

    They no longer work anyway (the authentication refuses them); this only keeps the table small."""
    deleted, _by_model = ApiToken.objects.filter(
        models.Q(expiry__lt=timezone.now()) | models.Q(user__is_active=False)
    ).delete()
    return deleted


def tokens_revoke_on_lockout(sender, *, username: str, **kwargs) -> None:
    """django-axes locked the account out: its tokens stop working at once (connected in apps)."""
    ApiToken.objects.filter(user__username=username).delete()
