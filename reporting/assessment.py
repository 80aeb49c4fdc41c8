"""The assessment report (考核) of a region for a year (DESIGN §5): its figures, finalising, exports.

``assessment_figures`` gathers everything a report shows into plain JSON-able data, read from snapshots:
the figures of the date used (the latest snapshot date of the year, normally 31 December), for the region
and every region of each level below it, each against the target in force on that date; the region's rank
among its siblings on each rate (only the rank "n / m" leaves this module, never the siblings' figures);
bases built in the year against the yearly targets; the staff ratio; the pairing units active in the year.
It also carries the document's words, resolved in the report's language, so that the Excel and PDF files
(``reporting.exports``) are pure functions of these data: that is what a finalised report freezes, and
regenerating from it gives the same bytes whatever later happens to the records, the snapshots or the
translations. Ten queries whatever the number of regions (``tests/reporting/test_assessment.py`` pins it).
"""

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.access import SYSTEM, ensure, ensure_editable
from sunshine.audit import audit_event
from sunshine.choices import Level, Role
from sunshine.jobs import register_job
from sunshine.models import AuditEntry, Region, StaffPeriod, User
from sunshine.regions import RegionCode, within

from .exports import CONTENT_TYPES, assessment_pdf, assessment_xlsx
from .indicators import COUNTS, LABELS, RATES, ranks
from .models import AssessmentReport, DocumentNumber, IndicatorSnapshot, IssuingOffice, Pairing
from .selectors import report_regions
from .services import document_number_take
from .targets import assess, targets_on
from .writing import body, choices_notes

logger = logging.getLogger(__name__)

EXPORT_JOB = "assessment_export"
FINALISE_JOB = "assessment_finalise"
CORRECT_JOB = "assessment_correct"
FORMATS = ("xlsx", "pdf")
STAFF_NORM = 30  # persons per township worker, the practice the opinion builds on (DESIGN §4)
CODES = [*RATES, *COUNTS]  # rates first: the opinion's targets are set on them
BASES = ["bases_100_plus_opened", "bases_50_99_opened"]
BASE_KEYS = ("value", "goal", "met")
BASE_LABELS = {
    "bases_100_plus_opened": gettext_lazy("Bases of scale 100 or more"),
    "bases_50_99_opened": gettext_lazy("Bases of scale 50 to 99"),
}
# The rates drawn in the PDF's chart, in this order.
CHART_RATES = ["control_rate", "consolidation_rate", "placement_rate_urban", "whereabouts_rate", "report_rate"]
LEVELS_BELOW = {
    Level.PROVINCE: [Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP],
    Level.PREFECTURE: [Level.COUNTY, Level.TOWNSHIP],
    Level.COUNTY: [Level.TOWNSHIP],
}

# The document's words. Resolved into the figures in the report's language (see the module docstring).
TEXT = {
    "title": gettext_lazy("Assessment report"),
    "draft": gettext_lazy("Draft"),
    "draft_note": gettext_lazy("Draft: not finalised. The figures may still change."),
    "final": gettext_lazy("Finalised"),
    "finalised_by": gettext_lazy("Finalised by"),
    "finalised_at": gettext_lazy("Finalised at"),
    "region": gettext_lazy("Region"),
    "code": gettext_lazy("Code"),
    "within": gettext_lazy("Within"),
    "year": gettext_lazy("Year"),
    "generated_at": gettext_lazy("Generated"),
    "as_of": gettext_lazy("Figures as of"),
    "summary": gettext_lazy("Summary"),
    "indicators": gettext_lazy("Indicators against targets"),
    "indicator": gettext_lazy("Indicator"),
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
    "value": gettext_lazy("Value"),
    "target": gettext_lazy("Target"),
    "derived": gettext_lazy("derived"),
    "derived_note": gettext_lazy("derived: a linear milestone between the baseline and the target"),
    "gap": gettext_lazy("Gap"),
    "assessment": gettext_lazy("Assessment"),
    "met": gettext_lazy("met"),
    "not_met": gettext_lazy("not met"),
    "no_data": gettext_lazy("no data"),
    "rank": gettext_lazy("Rank among regions of the same level"),
    "targets_met": gettext_lazy("Targets met"),
    "chart": gettext_lazy("Rates against targets"),
    "chart_below": gettext_lazy("Control rate of the regions below"),
    "bases": gettext_lazy("Placement bases built in the year"),
    "opened": gettext_lazy("Opened"),
    "staff": gettext_lazy("Staff ratio"),
    "workers": gettext_lazy("Township workers"),
    "current": LABELS["current"],
    "ratio": gettext_lazy("Persons per worker"),
    "norm": gettext_lazy("Norm: at most 30 persons per worker"),
    "pairings": gettext_lazy("Pairing units"),
    "unit": gettext_lazy("Member unit"),
    "since": gettext_lazy("Since"),
    "until": gettext_lazy("Until"),
    "responsibilities": gettext_lazy("Responsibilities"),
    "none": gettext_lazy("None"),
    "notes": gettext_lazy("Notes"),
    "levels": gettext_lazy("Regions below"),
    "built": gettext_lazy("Built"),
    "short": gettext_lazy("Short of the target"),
    "status": gettext_lazy("Met or not"),
    "change": gettext_lazy("Change since the previous year (percentage points)"),
    "paired_since": gettext_lazy("paired since"),
    "annex": gettext_lazy("Annex"),
    "annexes": gettext_lazy("Annexes"),
    "copy_to": gettext_lazy("Copied to"),
    "printed": gettext_lazy("printed and issued"),
    "seal": gettext_lazy("(seal)"),
    "corrected": gettext_lazy("Corrected version"),
    "reason": gettext_lazy("Reason for the correction"),
    "replaces": gettext_lazy("Replaces the version finalised on"),
    "choices": gettext_lazy("How the indicators are counted"),
    "unnumbered": gettext_lazy("(numbered when finalised)"),
    "undated": gettext_lazy("(dated when finalised)"),
    "document_suffix": gettext_lazy("document"),
    "with_data": gettext_lazy("Regions without any registered person are left out."),
    "townships_in_excel": gettext_lazy("The figures of each township are in the Excel file of this report."),
    "annex_indicators": gettext_lazy("Indicators against targets"),
    "annex_bases": gettext_lazy("Placement bases built in the year against the yearly targets"),
    "annex_staff": gettext_lazy("Staff ratio and pairing units"),
    "page": gettext_lazy("Page"),
}


def assessment_day(*, region: Region, year: int, viewer=SYSTEM) -> dt.date | None:
    """The snapshot date a report of ``year`` uses: the latest one of the year (31 December once the year is
    over and computed; the latest nightly date during the year). None when the year has none.

    Snapshots are read by the system-wide reader (as the nightly computation writes them): a region's rank needs
    its siblings' figures, which only the rank itself may carry to a viewer below the province.
    """
    dates = IndicatorSnapshot.objects.visible_to(viewer).filter(
        region=region, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    )
    return dates.aggregate(day=Max("date"))["day"]


def _no_figures(region: Region, year: int) -> ValidationError:
    return ValidationError(
        {
            "year": _(
                "No figures have been computed for %(region)s in %(year)s: compute the snapshots of the year first."
            )
            % {"region": region.name, "year": year}
        }
    )


def assessment_figures(*, region: Region, year: int, depth: int | None = None) -> dict:
    """Everything the assessment report of ``region`` for ``year`` shows, as plain data (see the module
    docstring), in the active language. ``depth`` limits the levels below (the page previews one).

    Raises ``ValidationError`` when the year has no snapshots for the region.
    """
    viewer = SYSTEM
    day = assessment_day(region=region, year=year, viewer=viewer)  # 1 query
    if day is None:
        raise _no_figures(region, year)
    levels = LEVELS_BELOW.get(Level(region.level), [])[:depth]
    # The region, the levels below it, and the regions beside it (for its rank) and above it (for its name).
    places = Region.objects.within(region).filter(level__in=[region.level, *levels])
    if region.parent_id:
        places |= Region.objects.filter(Q(parent_id=region.parent_id) | Q(code=region.parent_id))
    regions = {
        code: {"code": code, "name": name, "parent_code": parent, "level": level}
        for code, name, parent, level in places.order_by("code").values_list("code", "name", "parent_id", "level")
    }  # 1 query
    rows = (
        IndicatorSnapshot.objects.visible_to(viewer)
        .filter(date=day, region_id__in=list(regions), indicator__in=CODES)
        .order_by()  # the model's ordering would join the regions again
        .values_list("region_id", "indicator", "numerator", "denominator")
    )  # 1 query
    found: dict[str, dict[str, tuple]] = defaultdict(dict)
    for code, indicator, numerator, denominator in rows:
        found[code][indicator] = (numerator, denominator)
    mine = [code for code in regions if region.contains(code)]
    targets = targets_on(day=day, region_codes=mine)  # 1 query
    workers = _workers(region, day)  # 1 query
    pairings = _pairings(region, year, viewer)  # 1 query
    previous_day = assessment_day(region=region, year=year - 1, viewer=viewer)  # 1 query
    previous = {}
    if previous_day:
        previous = {
            indicator: (numerator, denominator)
            for indicator, numerator, denominator in IndicatorSnapshot.objects.visible_to(viewer)
            .filter(date=previous_day, region=region, indicator__in=RATES)
            .order_by()
            .values_list("indicator", "numerator", "denominator")
        }  # 1 query

    def entry(code: str) -> dict:
        place = regions[code]
        figures = {
            indicator: _figure(indicator, found[code].get(indicator), targets.get((code, indicator)), day)
            for indicator in CODES
        }
        count = workers.get(code, 0)
        parent = regions.get(place["parent_code"]) or {}
        return {
            "code": code,
            "name": place["name"],
            "level": place["level"],
            "parent_code": place["parent_code"],
            "parent_name": parent.get("name", ""),
            "figures": figures,
            "staff": _staff(figures["current"]["value"], count),
        }

    summary = entry(region.code)
    summary["rank"] = _ranks(region, regions, found)
    for indicator, (numerator, denominator) in previous.items():
        summary["figures"][indicator]["previous"] = numerator / denominator if denominator else None
    text = {key: str(value) for key, value in TEXT.items()}
    office = IssuingOffice.of(region)  # 1 query
    figures = {
        "version": 2,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "year": year,
        "snapshot_date": day.isoformat(),
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "codes": list(CODES),
        "rates": list(RATES),
        "chart_rates": list(CHART_RATES),
        "labels": {code: str(LABELS[code]) for code in CODES},
        "text": text,
        "region": summary,
        "previous_date": previous_day.isoformat() if previous_day else None,
        "siblings": str(Level(region.level).label) if region.parent_id else None,
        "bases": [
            {
                "code": code,
                "label": str(LABELS[code]),
                "short_label": str(BASE_LABELS[code]),
                **{key: summary["figures"][code].get(key) for key in BASE_KEYS},
            }
            for code in BASES
        ],
        "levels": [
            {
                "level": level,
                "label": str(Level(level).label),
                "regions": [entry(code) for code in mine if regions[code]["level"] == level],
            }
            for level in levels
        ],
        "pairings": pairings,
        "notes": "",
        "choices": choices_notes(),
        "document": {
            "office": office.name,
            "prefix": office.prefix,
            "recipients": office.recipients,
            "copy_to": office.copy_to,
            "title": _("Report on the %(year)s assessment of the Sunshine Project in %(region)s")
            % {"year": year, "region": region.name},
            "number": None,  # given when finalised
            "date": None,
            "correction": None,
        },
        "finalised": None,
    }
    figures["body"] = body(figures)
    return figures


def _figure(indicator: str, snapshot: tuple | None, target, day: dt.date) -> dict:
    """One figure: numerator, denominator (None for a count), value (None: no data), and where a target applies
    its goal on ``day`` (derived when a linear milestone), gap and met."""
    numerator, denominator = snapshot or (None, None)
    if indicator in RATES:
        value = numerator / denominator if numerator is not None and denominator else None
    else:
        value, denominator = numerator, None
    result = {"numerator": numerator, "denominator": denominator, "value": value}
    if target is not None and target.applies_on(day):
        goal, derived = target.goal_on(day)
        assessed = assess(value=value, target=target, day=day)
        result.update(goal=goal, derived=derived, gap=assessed["gap"], met=assessed["met"])
    return result


def _staff(current: int | None, workers: int) -> dict:
    """Current persons per active township worker against the norm (≤ 30); no workers is no data."""
    ratio = current / workers if workers and current is not None else None
    return {
        "workers": workers,
        "current": current,
        "ratio": ratio,
        "norm": STAFF_NORM,
        "met": None if ratio is None else ratio <= STAFF_NORM,
    }


def _workers(region: Region, day: dt.date) -> dict[str, int]:
    """The township workers serving on ``day`` in each region of the report, summed up the levels: read from the
    accounts' history (``StaffPeriod``), so a past year counts the workers of that year, not today's."""
    rows = (
        StaffPeriod.objects.filter(within("region", region), role=Role.TOWNSHIP_WORKER, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by()
        .values("region_id")
        .annotate(count=Count("user_id", distinct=True))
    )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for code in RegionCode(row["region_id"]).lineage:
            counts[code] += row["count"]
    return counts


def _pairings(region: Region, year: int, viewer) -> list[dict]:
    """Member units paired with the region or a region below it at some time in ``year``."""
    pairings = (
        Pairing.objects.visible_to(viewer)
        .within(region)
        .filter(since__lte=dt.date(year, 12, 31))
        .filter(Q(until__isnull=True) | Q(until__gte=dt.date(year, 1, 1)))
        .select_related("region")
        .order_by("region_id", "unit", "since", "pk")
    )
    return [
        {
            "unit": pairing.unit,
            "region_code": pairing.region_id,
            "region_name": pairing.region.name,
            "since": pairing.since.isoformat(),
            "until": pairing.until.isoformat() if pairing.until else None,
            "responsibilities": pairing.responsibilities,
        }
        for pairing in pairings
    ]


def _ranks(region: Region, regions: dict, found: dict) -> dict:
    """The region's rank among the regions beside it (same parent) on each rate, best first; equal rates share
    a rank (1, 2, 2, 4); regions without data are not ranked. Only ``{"rank": n, "of": m}`` is kept."""
    if not region.parent_id:
        return {}
    siblings = [code for code, place in regions.items() if place["parent_code"] == region.parent_id]
    result = {}
    for indicator in RATES:
        values = {}
        for code in siblings:
            numerator, denominator = found[code].get(indicator, (None, None))
            if numerator is not None and denominator:
                values[code] = Fraction(numerator, denominator)
        result[indicator] = {"rank": ranks(values).get(region.code), "of": len(values)}
    return result


# Finalising, and the documents ------------------------------------------------------------------------------------


@dataclass
class Document:
    """An exported file of a report: the frozen one when the report is final, a fresh draft otherwise."""

    content: bytes
    file_name: str
    content_type: str
    final: bool
    figures: dict
    report: AssessmentReport | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def render(figures: dict, fmt: str, *, final: bool) -> bytes:
    if fmt == "xlsx":
        return assessment_xlsx(figures, final=final)
    if fmt == "pdf":
        return assessment_pdf(figures, final=final)
    raise ValueError(f"unknown format {fmt!r}")


def file_name(figures: dict, fmt: str, *, final: bool) -> str:
    name = f"考核-{figures['region']['code']}-{figures['year']}"
    return f"{name}.{fmt}" if final else f"{name}-{figures['text']['draft']}.{fmt}"


def assessment_final(*, viewer, region: Region, year: int) -> AssessmentReport | None:
    """The version of the report in force (the latest correction, if any)."""
    return AssessmentReport.objects.visible_to(viewer).filter(region=region, year=year, superseded_at=None).first()


def assessment_document(
    *, viewer, region: Region, year: int, fmt: str, progress: Callable[[int, int], None] | None = None
) -> Document:
    """The file of the report of ``region`` for ``year``: regenerated from the frozen figures when the report
    is final (and checked against its stored checksum), else a draft computed from the snapshots now."""
    progress = progress or (lambda done, total: None)
    progress(0, 3)
    report = assessment_final(viewer=viewer, region=region, year=year)
    figures = report.figures if report else assessment_figures(region=region, year=year)
    progress(1, 3)
    content = render(figures, fmt, final=report is not None)
    progress(2, 3)
    document = Document(
        content=content,
        file_name=file_name(figures, fmt, final=report is not None),
        content_type=CONTENT_TYPES[fmt],
        final=report is not None,
        figures=figures,
        report=report,
    )
    if report and document.sha256 != report.sha256(fmt):
        # The figures are frozen; only a changed renderer (a library upgrade) can do this. Serve, but say so.
        logger.error("assessment %s: regenerated %s differs from its stored checksum", report.pk, fmt)
    progress(3, 3)
    return document


def audit_export(*, user: User | None, document: Document, fmt: str, via: str) -> None:
    """An export of a report, in the log: against the final report (so its region's offices find it) or, for a
    draft, against the user who exported it (the region itself when a command did)."""
    figures = document.figures
    audit_event(
        document.report or user or Region.objects.get(pk=figures["region"]["code"]),
        event=AuditEntry.Event.EXPORT,
        actor=user,
        detail={
            "export": "assessment",
            "region": figures["region"]["code"],
            "year": figures["year"],
            "format": fmt,
            "final": document.final,
            "snapshot_date": figures["snapshot_date"],
            "sha256": document.sha256,
            "via": via,
        },
    )


def assessment_finalise_check(*, user: User, region: Region, year: int) -> None:
    """The refusals of ``assessment_finalise`` that need no figures: checked on the form before the work is
    queued, and again by the service itself."""
    ensure(user, "finalise", AssessmentReport)
    if not report_regions(user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("Choose a province, prefecture or county within your region.")})
    if dt.date(year, 12, 31) >= timezone.localdate():
        raise ValidationError({"year": _("The year is not over yet: a report is finalised on its year-end figures.")})
    if AssessmentReport.objects.editable_by(user).filter(region=region, year=year).exists():
        raise ValidationError(
            {"year": _("The report of this region and year has already been finalised: issue a corrected version.")}
        )
    if assessment_day(region=region, year=year) != dt.date(year, 12, 31):
        raise ValidationError(
            {
                "year": _("The figures of %(day)s have not been computed yet: compute them first.")
                % {"day": dt.date(year, 12, 31).isoformat()}
            }
        )


def _freeze(*, user: User, region: Region, year: int, notes: str, version: int, correction: dict | None, progress):
    """Compute the figures of 31 December, number and date the document, render both files and keep their
    checksums: an unsaved ``AssessmentReport``. ``progress(done, 3)`` after the figures and each file."""
    progress = progress or (lambda done, total: None)
    progress(0, 3)
    figures = assessment_figures(region=region, year=year)
    now = timezone.now()
    local = timezone.localtime(now)
    figures["notes"] = notes.strip()
    figures["finalised"] = {"by": user.full_name or user.username, "at": local.replace(microsecond=0).isoformat()}
    office = figures["document"]
    number_year, number = document_number_take(
        region=region, kind=DocumentNumber.Kind.DOCUMENT, year=local.year, key=f"assessment:{region.code}:{year}"
    )
    office.update(
        number=f"{office['prefix']}〔{number_year}〕{number}号",
        date=local.date().isoformat(),
        correction=correction,
    )
    figures = json.loads(json.dumps(figures))  # exactly what the database will give back
    progress(1, 3)
    sha256 = {}
    for done, fmt in enumerate(FORMATS, start=2):
        sha256[fmt] = hashlib.sha256(render(figures, fmt, final=True)).hexdigest()
        progress(done, 3)
    return AssessmentReport(
        region=region,
        year=year,
        version=version,
        reason=(correction or {}).get("reason", ""),
        figures=figures,
        snapshot_date=dt.date.fromisoformat(figures["snapshot_date"]),
        notes=figures["notes"],
        finalised_by=user,
        finalised_at=now,
        sha256_xlsx=sha256["xlsx"],
        sha256_pdf=sha256["pdf"],
    )


def _already_finalised() -> ValidationError:
    return ValidationError({"year": _("The report of this region and year has already been finalised.")})


@transaction.atomic
def assessment_finalise(*, user: User, region: Region, year: int, notes: str = "", progress=None) -> AssessmentReport:
    """Freeze the assessment of ``region`` for a year that is over (provincial committee): its figures of 31
    December, the notes, who finalised it, its document number (发文字号) and date, and the SHA-256 of both
    files. A region's year is finalised once; later changes go into a corrected version.

    Rendering the PDF of the province takes a while, so the page runs this as a background job.
    """
    assessment_finalise_check(user=user, region=region, year=year)
    report = _freeze(user=user, region=region, year=year, notes=notes, version=1, correction=None, progress=progress)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # finalised by someone else a moment ago
        raise _already_finalised() from None
    ensure_editable(user, report)
    return report


def assessment_correct_check(*, user: User, report: AssessmentReport, reason: str) -> None:
    ensure(user, "correct", report)
    ensure_editable(user, report)
    if report.superseded_at is not None:
        raise ValidationError({"reason": _("This version has already been replaced by a corrected one.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})


@transaction.atomic
def assessment_correct(*, user: User, report: AssessmentReport, reason: str, notes: str | None = None, progress=None):
    """Issue a corrected version (更正版) of a finalised report: the figures of 31 December as they are now,
    with the reason stated in the document; the version it replaces is kept, marked superseded. Both keep
    their figures and checksums."""
    locked = AssessmentReport.objects.editable_by(user).select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise PermissionDenied
    report = locked  # two corrections at once: the second waits here, then finds this one superseded
    assessment_correct_check(user=user, report=report, reason=reason)
    correction = {
        "reason": reason.strip(),
        "version": report.version + 1,
        "replaces": timezone.localtime(report.finalised_at).date().isoformat(),
        "replaces_sha256_pdf": report.sha256_pdf,
    }
    corrected = _freeze(
        user=user,
        region=report.region,
        year=report.year,
        notes=report.notes if notes is None else notes,
        version=report.version + 1,
        correction=correction,
        progress=progress,
    )
    report.superseded_at = corrected.finalised_at
    report.save(update_fields=["superseded_at"])
    try:
        with transaction.atomic():
            corrected.save()
    except IntegrityError:
        raise ValidationError({"reason": _("This version has already been replaced by a corrected one.")}) from None
    ensure_editable(user, corrected)
    return corrected


@register_job(EXPORT_JOB)
def run_export(job, progress) -> None:
    """A background export (``job.params``: region, year, format, language) for the user who asked, within
    their scope at the time it runs; audited."""
    user, params = job.requested_by, job.params
    fmt = params["format"]
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        region = report_regions(user).filter(code=params["region"]).first()
        if region is None or fmt not in FORMATS:
            raise ValidationError(_("You may not export the assessment of this region."))
        document = assessment_document(viewer=user, region=region, year=int(params["year"]), fmt=fmt, progress=progress)
    job.file, job.file_name, job.content_type = document.content, document.file_name, document.content_type
    job.result = {
        "final": document.final,
        "snapshot_date": document.figures["snapshot_date"],
        "sha256": document.sha256,
    }
    audit_export(user=user, document=document, fmt=fmt, via=f"job {job.pk}")


@register_job(FINALISE_JOB)
def run_finalise(job, progress) -> None:
    """Finalising in the background (``job.params``: region, year, notes, language): it renders both files."""
    user, params = job.requested_by, job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        region = report_regions(user).filter(code=params["region"]).first()
        if region is None:
            raise ValidationError(_("You may not finalise the assessment of this region."))
        report = assessment_finalise(
            user=user, region=region, year=int(params["year"]), notes=params.get("notes", ""), progress=progress
        )
        job.message = _("The assessment of %(region)s for %(year)s is finalised.") % {
            "region": region.name,
            "year": report.year,
        }
    job.result = {"report": report.pk, "sha256_xlsx": report.sha256_xlsx, "sha256_pdf": report.sha256_pdf}


@register_job(CORRECT_JOB)
def run_correct(job, progress) -> None:
    """A corrected version in the background (``job.params``: report, reason, language)."""
    user, params = job.requested_by, job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        report = AssessmentReport.objects.editable_by(user).filter(pk=params["report"]).first()
        if report is None:
            raise ValidationError(_("You may not correct this report."))
        corrected = assessment_correct(user=user, report=report, reason=params.get("reason", ""), progress=progress)
        job.message = _("Version %(version)s of the assessment of %(region)s for %(year)s is issued.") % {
            "version": corrected.version,
            "region": report.region.name,
            "year": report.year,
        }
    job.result = {"report": corrected.pk, "sha256_xlsx": corrected.sha256_xlsx, "sha256_pdf": corrected.sha256_pdf}
