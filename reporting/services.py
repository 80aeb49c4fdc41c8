"""The reporting app's writes: pairings, document numbers, the nightly sealing pass. Targets are in
``targets.py``, the snapshot computation in ``snapshots.py``."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.models import Sealing
from cases.services.sealing import persons_seal_abstinent
from sunshine.access import may, scoped_save
from sunshine.models import Region, User

from .indicators import abstinent_clocks
from .models import DocumentNumber, Pairing


@transaction.atomic
def pairing_save(*, user: User, pairing: Pairing) -> Pairing:
    """Pair a member unit with a region (provincial committee)."""
    if pairing._state.adding and not may(user, "add", Pairing):
        raise PermissionDenied
    if pairing.until and pairing.since and pairing.until < pairing.since:
        raise ValidationError({"until": _("The pairing cannot end before it starts.")})
    return scoped_save(user, pairing)


def document_number_take(*, region: Region, kind: str, year: int, key: str) -> tuple[int, int]:
    """The (year, number) of the document ``key`` in the issuing office's yearly sequence of ``kind``: the
    number it already has, or the next one of ``year``. Two offices numbering at once: the unique constraint
    refuses the second, which takes the following number."""
    for _attempt in range(10):
        found = DocumentNumber.objects.filter(region=region, kind=kind, key=key).values_list("year", "number").first()
        if found:
            return found
        taken = DocumentNumber.objects.filter(region=region, kind=kind, year=year).aggregate(n=Max("number"))["n"]
        try:
            with transaction.atomic():
                row = DocumentNumber.objects.create(
                    region=region, kind=kind, year=year, number=(taken or 0) + 1, key=key
                )
        except IntegrityError:
            continue
        return row.year, row.number
    raise RuntimeError(f"no free number for {key}")


def seal_records(*, day: dt.date) -> tuple[int, int]:
    """The nightly sealing pass of DESIGN §3b for ``day``: seal the files of the persons who count as abstinent three
    years on ``day`` (the indicators' own predicate) and are not sealed yet. Returns (sealed now, unsealed on ``day``
    by new cases). Idempotent: a second run seals nobody."""
    sealed = persons_seal_abstinent(day=day, clocks=abstinent_clocks(day))
    return sealed, Sealing.objects.filter(unsealed_on=day).count()
