"""Writes of day-to-day records (visits, tests, findings, counselling, leave, absences, status events,
help group): one generic service, because they share their rules."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.access import may, scoped_save
from sunshine.models import User
from sunshine.validators import check_field, not_before_birth, not_in_future

from ..choices import FindingSource, TestResult
from ..models import Absence, DrugUseFinding, Person, UrineTest
from ..models.records import PersonRecord
from .alerts import breach_alerts_refresh


def _check_dates(record: PersonRecord) -> None:
    today, errors = dt.date.today(), {}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if field.name not in record.future_fields:
                check_field(errors, field.name, not_in_future, value, today=today)
            check_field(errors, field.name, not_before_birth, value, record.person.birth_date)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_save(*, user: User, record: PersonRecord) -> PersonRecord:
    """Create or correct a record about a person the user may change records for.

    The record's model decides which roles may write it (its ``scope.edit``). The person must be in
    the user's scope; the check runs before (for a correction) and after saving. Saving a test or an
    absence re-counts the serious-breach thresholds.
    """
    if record._state.adding:
        person_seen = Person.objects.visible_to(user).filter(pk=record.person_id)
        if not may(user, "add", type(record)) or not person_seen.exists():
            raise PermissionDenied
        record.recorded_by = user
    scoped_save(user, record, validate=_check_dates)
    if isinstance(record, UrineTest | Absence):
        breach_alerts_refresh(person=record.person)
    return record


@transaction.atomic
def urine_test_record(*, user: User, test: UrineTest, record_finding: bool) -> DrugUseFinding | None:
    """Save a urine test; a positive one also records the drug-use finding (复吸) in the same step.

    Findings are written by the community police and the county office (DESIGN §1): for them the finding
    is made here, once per person and day (a corrected test does not add a second); a township worker's
    positive test is saved alone and the page tells them who records the finding. Returns the finding, if any.
    """
    record_save(user=user, record=test)
    if test.result != TestResult.POSITIVE or not record_finding or not may(user, "add", DrugUseFinding):
        return None
    findings = DrugUseFinding.objects.visible_to(user).filter(
        person_id=test.person_id, found_on=test.tested_on, source=FindingSource.URINE_TEST
    )
    existing = findings.first()
    if existing is not None:
        return existing
    details = _("Positive urine test: %(substance)s") % {"substance": test.substance}
    finding = DrugUseFinding(
        person=test.person, found_on=test.tested_on, source=FindingSource.URINE_TEST, details=details
    )
    return record_save(user=user, record=finding)
