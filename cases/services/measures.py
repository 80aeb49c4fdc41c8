"""Measure decisions and the rules that govern their transitions (DESIGN §3).

Orders, closures, escalations and extensions are the county office's; the township records the
report and the agreement. Every refusal names the field it is about.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.access import ensure, scoped_save
from sunshine.models import User
from sunshine.validators import check_field, not_in_future

from ..choices import COMMUNITY_MEASURES, EndReason, MeasureKind
from ..models import Measure, Person
from ..models.measures import MAX_ISOLATION_EXTENSION_MONTHS
from .alerts import late_report_alert

FAR_FUTURE = dt.date.max


def _span(measure: Measure) -> tuple[dt.date, dt.date]:
    """The days a measure occupies, for overlap checks: from its start (or order) until it ends."""
    start = measure.started_on or measure.ordered_on or measure.reported_on
    return start, measure.ended_on or FAR_FUTURE


def measure_validate(measure: Measure, *, today: dt.date | None = None, others: list[Measure] | None = None) -> None:
    """Refuse illegal measures and transitions with field-level messages.

    ``others`` are the person's other measures; by default they are read from the database. A caller
    checking many measures at once (the roster import, whose measures are not saved yet) passes them.
    """
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    kind = measure.kind
    if kind in COMMUNITY_MEASURES and not measure.ordered_on:
        errors["ordered_on"] = _("Community detox and rehabilitation are ordered: give the order date.")
    if kind not in COMMUNITY_MEASURES and not measure.started_on:
        errors["started_on"] = _("Give the start date (the decision date for compulsory isolation).")
    for field in ("ordered_on", "reported_on", "agreement_on", "started_on", "ended_on"):
        check_field(errors, field, not_in_future, getattr(measure, field), today=today)
    if measure.reported_on and measure.ordered_on and measure.reported_on < measure.ordered_on:
        errors["reported_on"] = _("The report cannot come before the order.")
    if measure.ended_on and measure.started_on and measure.ended_on < measure.started_on:
        errors["ended_on"] = _("A measure cannot end before it starts.")
    if measure.ended_on and not measure.end_reason:
        errors["end_reason"] = _("Give the reason the measure ended.")
    if kind == MeasureKind.COMMUNITY_REHAB and (measure.term_months or 0) > 36:
        errors["term_months"] = _("Community rehabilitation lasts at most 3 years (36 months).")
    if kind == MeasureKind.COMMUNITY_REHAB and measure.term_months == 0 and measure.pk is None:  # (a stored 0 is
        # read as no term: such a measure can still be edited and closed)
        errors["term_months"] = _("A term is at least one month: leave it empty for the full 3 years.")
    if kind == MeasureKind.COMPULSORY_ISOLATION:
        if measure.extension_months > MAX_ISOLATION_EXTENSION_MONTHS:
            errors["extension_months"] = _("Compulsory isolation can be extended by at most one year.")
        if measure.pregnant or measure.nursing_infant:
            errors["kind"] = _(
                "Compulsory isolated detox may not be decided for a pregnant woman or a woman nursing an infant "
                "under one year."
            )
        if (
            measure.end_reason == EndReason.EARLY_RELEASE
            and measure.ended_on
            and measure.ended_on < measure.early_release_from
        ):
            errors["ended_on"] = _("Early release is possible only after one year, from %(day)s.") % {
                "day": measure.early_release_from.isoformat()
            }
    planned_end = measure.planned_end
    if (
        measure.end_reason == EndReason.COMPLETED
        and measure.ended_on
        and planned_end
        and measure.ended_on < planned_end
    ):
        errors["ended_on"] = _("The measure runs until %(day)s; it cannot be discharged as completed before.") % {
            "day": planned_end.isoformat()
        }
    if not errors:
        errors.update(_transition_errors(measure, others))
    if errors:
        raise ValidationError(errors)


def _transition_errors(measure: Measure, others: list[Measure] | None = None) -> dict[str, str]:
    if others is None:
        others = list(Measure.objects.filter(person_id=measure.person_id).exclude(pk=measure.pk))
    start, end = _span(measure)
    if measure.kind == MeasureKind.COMMUNITY_REHAB:
        released = [
            other
            for other in others
            if other.kind == MeasureKind.COMPULSORY_ISOLATION and other.ended_on and other.ended_on <= start
        ]
        if not released:
            return {"kind": _("Community rehabilitation follows release from compulsory isolation; none is recorded.")}
    exclusive = {
        MeasureKind.COMMUNITY_DETOX: COMMUNITY_MEASURES,
        MeasureKind.COMMUNITY_REHAB: COMMUNITY_MEASURES,
        MeasureKind.COMPULSORY_ISOLATION: (MeasureKind.COMPULSORY_ISOLATION,),
    }.get(measure.kind)
    if exclusive:
        for other in (other for other in others if other.kind in exclusive):
            other_start, other_end = _span(other)
            if start < other_end and other_start < end:
                return {
                    "kind": _("This overlaps %(other)s (%(start)s to %(end)s).")
                    % {
                        "other": other.get_kind_display(),
                        "start": other_start.isoformat(),
                        "end": other.ended_on.isoformat() if other.ended_on else _("open"),
                    }
                }
    return {}


def _save(user: User, measure: Measure) -> Measure:
    if measure.kind in COMMUNITY_MEASURES and measure.reported_on:
        measure.started_on = measure.reported_on  # the CD/CR clock runs from the report date
    return scoped_save(user, measure, validate=measure_validate)


@transaction.atomic
def measure_order(*, user: User, measure: Measure) -> Measure:
    """Record a new measure decision (county office)."""
    ensure(user, "order", Measure)
    if not Person.objects.editable_by(user).filter(pk=measure.person_id).exists():
        raise PermissionDenied
    return _save(user, measure)


@transaction.atomic
def measure_correct(*, user: User, measure: Measure) -> Measure:
    """Correct a measure's details (county office)."""
    ensure(user, "correct", measure)
    return _save(user, measure)


@transaction.atomic
def measure_record_report(
    *, user: User, measure: Measure, reported_on: dt.date, agreement_on: dt.date | None
) -> Measure:
    """The person reported to the township (and signed the agreement): the CD/CR clock starts."""
    ensure(user, "change", measure)
    if not measure.is_community:
        raise ValidationError({"reported_on": _("Only community detox and rehabilitation are reported.")})
    if agreement_on and agreement_on < reported_on:
        raise ValidationError({"agreement_on": _("The agreement is signed at or after the report.")})
    measure.reported_on, measure.agreement_on = reported_on, agreement_on
    measure = _save(user, measure)
    late_report_alert(measure=measure)
    return measure


@transaction.atomic
def measure_close(*, user: User, measure: Measure, ended_on: dt.date, end_reason: str) -> Measure:
    """End a measure: discharge on expiry, release, termination... (county office)."""
    ensure(user, "close", measure)
    if measure.ended_on:
        raise ValidationError({"ended_on": _("This measure has already ended.")})
    measure.ended_on, measure.end_reason = ended_on, end_reason
    return _save(user, measure)


@transaction.atomic
def measure_escalate(
    *, user: User, measure: Measure, decided_on: dt.date, authority: str = "", order_number: str = ""
) -> Measure:
    """Escalate a community measure to compulsory isolation (refusal, drug use, serious breach).

    The community measure ends on the decision date and the isolation starts that day, in one
    transaction: both or neither.
    """
    ensure(user, "escalate", measure)
    if not measure.is_community:
        raise ValidationError({"kind": _("Only community detox or rehabilitation is escalated.")})
    measure_close(user=user, measure=measure, ended_on=decided_on, end_reason=EndReason.ESCALATED)
    isolation = Measure(
        person_id=measure.person_id,
        kind=MeasureKind.COMPULSORY_ISOLATION,
        authority=authority,
        order_number=order_number,
        ordered_on=decided_on,
        started_on=decided_on,
    )
    return measure_order(user=user, measure=isolation)


@transaction.atomic
def measure_extend(*, user: User, measure: Measure, extension_months: int) -> Measure:
    """Extend compulsory isolation (at most one year in all)."""
    if measure.kind != MeasureKind.COMPULSORY_ISOLATION:
        raise ValidationError({"extension_months": _("Only compulsory isolation is extended.")})
    measure.extension_months = extension_months
    return measure_correct(user=user, measure=measure)


@transaction.atomic
def measure_record_discharge_notice(*, user: User, measure: Measure, notified_on: dt.date) -> Measure:
    """The township has been told of the discharge (due within 7 days of it)."""
    ensure(user, "change", measure)
    if not measure.discharge_notice_deadline:
        raise ValidationError({"discharge_notified_on": _("This measure has not been discharged on completion.")})
    if notified_on < measure.ended_on:
        raise ValidationError({"discharge_notified_on": _("The notice cannot come before the discharge.")})
    measure.discharge_notified_on = notified_on
    return scoped_save(user, measure, update_fields=["discharge_notified_on"])
