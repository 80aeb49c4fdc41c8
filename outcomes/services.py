import datetime as dt

from django.db import transaction

from sunshine.choices import Level
from sunshine.models import Region

from .models import OutcomeReport
from .spells import read_spells
from .survival import region_outcomes

LEVELS = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)


def outcomes_compute(*, day: dt.date) -> int:
    """Every province, prefecture and county's outcomes as of ``day``, replacing that date's reports in one
    transaction (idempotent: the same records give the same reports). Returns the number of reports written.

    The statistics run before the transaction opens, so the database is held only for the writing."""
    spells = read_spells(day)
    reports = []
    for code in Region.objects.filter(level__in=LEVELS).order_by("code").values_list("code", flat=True):
        mine = spells[spells["township"].str.startswith(code)]
        reports.append(OutcomeReport(date=day, region_id=code, data={"day": day.isoformat(), **region_outcomes(mine)}))
    with transaction.atomic():
        OutcomeReport.objects.filter(date=day).delete()
        OutcomeReport.objects.bulk_create(reports)
    return len(reports)
