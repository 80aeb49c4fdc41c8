from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.access import ensure_editable
from sunshine.models import User

from .models import Pairing


@transaction.atomic
def pairing_save(*, user: User, pairing: Pairing) -> Pairing:
    """Pair a member unit with a region (provincial committee)."""
    if pairing.pk:
        ensure_editable(user, pairing)
    elif not Pairing.scope.may_edit(user):
        raise PermissionDenied
    if pairing.until and pairing.since and pairing.until < pairing.since:
        raise ValidationError({"until": _("The pairing cannot end before it starts.")})
    pairing.full_clean()
    pairing.save()
    ensure_editable(user, pairing)
    return pairing
