"""Serious-breach counting (DESIGN §3): the system counts and alerts; people decide."""

import datetime as dt

from django.db import transaction

from sunshine.access import scoped_save
from sunshine.models import User

from ..choices import AlertKind, TestResult
from ..models import Absence, Alert, Measure, Person, UrineTest
from ..models.measures import REPORT_DAYS

MISSED_TESTS_LIMIT = 3
ABSENCES_LIMIT = 3
ABSENCE_DAYS_LIMIT = 30


def breach_counts(*, measure: Measure, today: dt.date | None = None) -> dict[str, int]:
    """Counts since the measure started: missed tests, unauthorised absences and days away."""
    today = today or dt.date.today()
    end = measure.ended_on or dt.date.max
    tests = UrineTest.objects.filter(
        person_id=measure.person_id,
        tested_on__gte=measure.started_on,
        tested_on__lt=end,
        result__in=(TestResult.EVADED, TestResult.REFUSED),
    ).count()
    absences = list(
        Absence.objects.filter(person_id=measure.person_id, left_on__gte=measure.started_on, left_on__lt=end)
    )
    return {
        AlertKind.TESTS_MISSED: tests,
        AlertKind.ABSENCES: len(absences),
        AlertKind.ABSENCE_DAYS: sum(absence.days(today) for absence in absences),
    }


def breached(kind: str, count: int) -> bool:
    if kind == AlertKind.TESTS_MISSED:
        return count >= MISSED_TESTS_LIMIT
    if kind == AlertKind.ABSENCES:
        return count >= ABSENCES_LIMIT
    return count > ABSENCE_DAYS_LIMIT


@transaction.atomic
def breach_alerts_refresh(*, person: Person, today: dt.date | None = None) -> list[Alert]:
    """Raise (once per measure and kind) the alerts the person's current community measure has earned."""
    today = today or dt.date.today()
    measure = Measure.objects.community().active_on(today).filter(person=person).first()
    if measure is None:
        return []
    raised = []
    for kind, count in breach_counts(measure=measure, today=today).items():
        if breached(kind, count):
            alert, created = Alert.objects.get_or_create(
                person=person, measure=measure, kind=kind, defaults={"raised_on": today, "count": count}
            )
            if not created and alert.count != count:
                alert.count = count
                alert.save(update_fields=["count"])
            raised.append(alert)
    return raised


@transaction.atomic
def late_report_alert(*, measure: Measure, today: dt.date | None = None) -> Alert | None:
    """A CD/CR order not reported within 15 days is a refusal: alert the county office and police."""
    if not measure.reported_late(today):
        return None
    alert, _created = Alert.objects.get_or_create(
        person_id=measure.person_id,
        measure=measure,
        kind=AlertKind.LATE_REPORT,
        defaults={"raised_on": today or dt.date.today(), "count": 1},
    )
    return alert


@transaction.atomic
def late_report_alerts_raise(*, today: dt.date | None = None) -> int:
    """Alert every CD/CR order still unreported after its 15 days (run nightly). Returns how many are new."""
    today = today or dt.date.today()
    overdue = (
        Measure.objects.community()
        .filter(
            reported_on__isnull=True,
            ended_on__isnull=True,
            ordered_on__lt=today - dt.timedelta(days=REPORT_DAYS),
        )
        .exclude(alerts__kind=AlertKind.LATE_REPORT)
    )
    alerts = [
        Alert(person_id=measure.person_id, measure=measure, kind=AlertKind.LATE_REPORT, raised_on=today, count=1)
        for measure in overdue
    ]
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    return len(alerts)


@transaction.atomic
def alert_acknowledge(*, user: User, alert: Alert, decision: str) -> Alert:
    alert.acknowledged_by = user
    alert.acknowledged_on = dt.date.today()
    alert.decision = decision
    return scoped_save(user, alert)
