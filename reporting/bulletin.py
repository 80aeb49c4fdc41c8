"""The monthly bulletin (通报) of a region: the regions below it ranked on every indicator (DESIGN §4, §5).

The opinion's regular-notification mechanism: for a region and a month, each indicator's figure for every
child region, ranked, with its change since the previous month's bulletin, and the region's own figure
against its target. It reads snapshots only (the month-end date's), never recounts, so a bulletin is the
same whenever it is printed. Three queries whatever the number of regions: the child regions, the
snapshots of both month ends, the targets in force.
"""

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine import formatting
from sunshine.audit import audit_event
from sunshine.jobs import register_job
from sunshine.models import AuditEntry, Region
from sunshine.pdf import render_pdf

from .indicators import CODES, LABELS, RATES, ranks
from .models import DocumentNumber, IndicatorSnapshot, IssuingOffice
from .selectors import report_regions
from .services import document_number_take
from .snapshots import month_ends
from .targets import assess, targets_on
from .writing import long_date

# County, prefecture and province officers read the bulletins of their region and the regions below it.

# Counts that measure the work done, where more is better; the other counts are volumes (how many persons a
# region has), listed largest first without calling that better.
MERIT_COUNTS = frozenset({"bases_100_plus", "bases_50_99", "bases_100_plus_opened", "bases_50_99_opened"})
# Rates first: they are what the opinion's targets are set on.
ORDER = [*RATES, *(code for code in CODES if code not in RATES)]


def _value(numerator: int | None, denominator: int | None, *, rate: bool) -> Fraction | int | None:
    """A rate as an exact fraction (so equal rates tie exactly), None when there is no denominator; a count."""
    if numerator is None:
        return None
    if rate:
        return Fraction(numerator, denominator) if denominator else None
    return numerator


@dataclass
class Figure:
    """One region's figure for one indicator in the bulletin."""

    region: Region
    rate: bool
    numerator: int | None = None
    denominator: int | None = None
    value: Fraction | int | None = None
    previous: Fraction | int | None = None
    snapshot_id: int | None = None
    link: str = ""  # the page's: the drill-down of the snapshot (``link_figures``)
    rank: int | None = None
    goal: float | None = None  # the target in force on the month end (its derived milestone), if any
    met: bool | None = None  # against the target in force on the month end; None without a target or data

    @property
    def change(self):
        """This month's value minus last month's (a fraction for rates: shown in percentage points)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def shown(self) -> str:
        return formatting.figure(self.value, rate=self.rate, no_data="")  # the template says "no data"

    @property
    def change_shown(self) -> str:
        return formatting.gap(self.change, rate=self.rate)

    @property
    def goal_shown(self) -> str:
        if self.goal is None:
            return ""
        return formatting.figure(self.goal, rate=self.rate)


@dataclass
class Table:
    """An indicator: the region's own figure and assessment, and the child regions ranked best first."""

    code: str
    label: str
    rate: bool
    merit: bool  # ranked best first; otherwise a volume, listed largest first
    own: Figure
    assessment: dict
    rows: list[Figure] = field(default_factory=list)

    @property
    def goal_shown(self) -> str:
        goal = self.assessment["goal"]
        return "" if goal is None else formatting.figure(goal, rate=self.rate)


@dataclass
class Bulletin:
    region: Region
    month: dt.date  # the first day of the month
    day: dt.date  # the month end: the snapshots' date
    previous_day: dt.date
    has_data: bool
    has_previous: bool
    children: list[Region]
    tables: list[Table]


def link_figures(found: Bulletin) -> None:
    """Give each figure with a snapshot the address of its drill-down, for the page. The route is reversed once and
    each id put in its place: a county's bulletin links 768 figures, and ``{% url %}`` for each was a third of the
    page's time (34 µs a link)."""
    marker = "9876543210"
    head, tail = reverse("reporting:drill_down", args=[marker]).split(marker)  # (one place: else a ValueError)
    for table in found.tables:
        for figure in (table.own, *table.rows):
            if figure.snapshot_id is not None:
                figure.link = f"{head}{figure.snapshot_id}{tail}"


def month_end(month: dt.date) -> dt.date:
    return month_ends(month, month)[0]


def latest_month(*, user, region: Region) -> dt.date:
    """The latest month whose end has snapshots for ``region`` or a region below it, as its first day; the
    month before today's if none. One query: the region and its children by their codes (a subquery on the
    regions), so the snapshots are read through their (region, date) index, never scanned with a join and an OR."""
    regions = Region.objects.filter(Q(code=region.code) | Q(parent=region)).values("code")
    latest = IndicatorSnapshot.objects.visible_to(user).filter(region__in=regions).aggregate(day=Max("date"))["day"]
    day = latest or dt.date.today().replace(day=1) - dt.timedelta(days=1)
    if day != month_end(day):  # the latest date is mid-month (the nightly run): that month is not complete
        day = day.replace(day=1) - dt.timedelta(days=1)
    return day.replace(day=1)


def _rank(figures: list[Figure]) -> list[Figure]:
    """Best (largest) first; equal values share a rank (1, 2, 2, 4); no data last, by region code."""
    ranked = ranks({f.region.code: f.value for f in figures})
    for figure in figures:
        figure.rank = ranked[figure.region.code]
    return sorted(figures, key=lambda f: (f.rank is None, f.rank or 0, f.region.code))


def bulletin(*, user, region: Region, month: dt.date) -> Bulletin:
    """The bulletin of ``region`` for ``month`` (any day of it), from the snapshots ``user`` may read."""
    month = month.replace(day=1)
    day = month_end(month)
    previous_day = month - dt.timedelta(days=1)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    codes = [region.code, *(child.code for child in children)]
    snapshots = IndicatorSnapshot.objects.visible_to(user).filter(
        date__in=[day, previous_day], region_id__in=codes, indicator__in=CODES
    )
    # (tuples, not snapshots: a few hundred model instances would cost more than the statement)
    found = {
        (date, region_code, indicator): (pk, numerator, denominator)
        for pk, date, region_code, indicator, numerator, denominator in snapshots.values_list(
            "pk", "date", "region_id", "indicator", "numerator", "denominator"
        )
    }
    targets = targets_on(day=day, region_codes=codes)

    def figure(place: Region, code: str) -> Figure:
        rate = code in RATES
        now, before = found.get((day, place.code, code)), found.get((previous_day, place.code, code))
        result = Figure(region=place, rate=rate)
        if now is not None:
            result.snapshot_id, result.numerator, result.denominator = now
            result.value = _value(result.numerator, result.denominator, rate=rate)
        if before is not None:
            result.previous = _value(*before[1:], rate=rate)
        target = targets.get((place.code, code))
        if target is not None and target.applies_on(day):
            result.goal = target.goal_on(day)[0]
            if result.value is not None:
                result.met = assess(value=float(result.value), target=target, day=day)["met"]
        return result

    tables = []
    for code in ORDER:
        own = figure(region, code)
        target = targets.get((region.code, code))
        value = None if own.value is None else float(own.value)
        tables.append(
            Table(
                code=code,
                label=LABELS.get(code, code),
                rate=code in RATES,
                merit=code in RATES or code in MERIT_COUNTS,
                own=own,
                assessment=assess(value=value, target=target, day=day),
                rows=_rank([figure(child, code) for child in children]),
            )
        )
    dates = {date for date, _region, _code in found}
    return Bulletin(
        region=region,
        month=month,
        day=day,
        previous_day=previous_day,
        has_data=day in dates,
        has_previous=previous_day in dates,
        children=children,
        tables=tables,
    )


# The bulletin as a numbered document, printed in the background ---------------------------------------------------

PDF_JOB = "bulletin_pdf"


def bulletin_key(region: Region, month: dt.date) -> str:
    return f"bulletin:{region.code}:{month:%Y-%m}"


def bulletin_issue(*, region: Region, month: dt.date) -> int | None:
    """The issue number (第 N 期) the bulletin of ``region`` for ``month`` was given when first printed, if any."""
    found = DocumentNumber.objects.filter(
        region=region, kind=DocumentNumber.Kind.BULLETIN, key=bulletin_key(region, month)
    ).values_list("number", flat=True)
    return found.first()


def bulletin_pdf(*, user, region: Region, month: dt.date) -> tuple[bytes, str]:
    """The bulletin as an official document (issuing office, 第 N 期 of the office's year, date, signature and
    版记), numbered the first time it is printed; the same issue keeps its number. Audited as an export."""
    found = bulletin(user=user, region=region, month=month)
    if not found.has_data:
        raise ValidationError({"month": _("No figures have been computed for the end of this month.")})
    key = bulletin_key(region, found.month)
    _year, issue = document_number_take(
        region=region, kind=DocumentNumber.Kind.BULLETIN, year=found.month.year, key=key
    )
    # dated the day it was first numbered: printing the same issue again gives the same document
    numbered = DocumentNumber.objects.get(region=region, kind=DocumentNumber.Kind.BULLETIN, key=key).created_at
    office = IssuingOffice.of(region)
    dated = long_date(timezone.localtime(numbered).date())
    context = {"bulletin": found, "office": office, "issue": issue, "dated": dated, "draft": False}
    content = render_pdf("reporting/print/bulletin.html", context)
    audit_event(
        user,
        event=AuditEntry.Event.EXPORT,
        actor=user,
        detail={
            "export": "bulletin",
            "region": region.code,
            "month": f"{found.month:%Y-%m}",
            "format": "pdf",
            "issue": issue,
        },
    )
    return content, f"通报-{region.code}-{found.month:%Y-%m}.pdf"


@register_job(PDF_JOB)
def run_bulletin_pdf(job, progress) -> None:
    """The bulletin's PDF for the user who asked (``job.params``: region, month YYYY-MM, language)."""
    user, params = job.requested_by, job.params
    progress(0, 1)
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        region = report_regions(user).filter(code=params["region"]).first()
        if region is None:
            raise ValidationError(_("You may not print the bulletin of this region."))
        month = dt.date.fromisoformat(f"{params['month']}-01")
        job.file, job.file_name = bulletin_pdf(user=user, region=region, month=month)
    job.content_type = "application/pdf"
    progress(1, 1)
