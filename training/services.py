"""Writes of the training app: courses, enrolments, county approval and progress (DESIGN §3).

Every refusal names the field it is about; every change of an enrolment is checked against the
scope before and after saving, like the records of the cases app.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Person
from sunshine.access import ensure, may, scoped_save
from sunshine.choices import Level
from sunshine.models import User
from sunshine.validators import check_field, not_before, not_in_future

from .choices import EnrolmentStatus
from .models import Course, Enrolment


@transaction.atomic
def course_save(*, user: User, course: Course) -> Course:
    """Create or change a course of a county within the user's region (county office, HR department)."""
    if not may(user, "add", Course):
        raise PermissionDenied
    if course._state.adding:
        course.created_by = user

    def validate(course: Course) -> None:
        errors = {}
        if course.region.level != Level.COUNTY:
            errors["region"] = _("A course belongs to a county: choose a county.")
        elif not user.reaches(course.region_id):
            errors["region"] = _("Choose a county within your region.")
        if course.pk:
            most = course.enrolments.order_by("-attendance").values_list("attendance", flat=True).first()
            if most and most > course.hours:
                errors["hours"] = _("An enrolment already records %(hours)s hours attended.") % {"hours": most}
        if errors:
            raise ValidationError(errors)

    return scoped_save(user, course, validate=validate)


def _seats_taken(course: Course) -> int:
    return course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()


@transaction.atomic
def enrolment_create(*, user: User, person: Person, course: Course, enrolled_on: dt.date, notes: str = "") -> Enrolment:
    """Enrol a person of the user's scope in a course.

    A course of the person's own county takes the enrolment at once; one of another county waits for
    the approval of the person's county office (``enrolment_approve``).
    """
    if not may(user, "add", Enrolment) or not Person.objects.editable_by(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    errors = {}
    if Enrolment.objects.filter(person=person, course=course).exists():
        errors["course"] = _("This person is already enrolled in this course.")
    elif course.capacity and _seats_taken(course) >= course.capacity:
        errors["course"] = _("This course is full (%(capacity)s places).") % {"capacity": course.capacity}
    check_field(errors, "enrolled_on", not_in_future, enrolled_on)
    check_field(errors, "enrolled_on", not_before, course.end_date, enrolled_on,
                _("The course ended on %(day)s.") % {"day": course.end_date.isoformat()})  # fmt: skip
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment(person=person, course=course, enrolled_on=enrolled_on, notes=notes, recorded_by=user)
    if not enrolment.crosses_counties:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.approved_on, enrolment.approved_by = enrolled_on, user
    return scoped_save(user, enrolment)


@transaction.atomic
def enrolment_approve(*, user: User, enrolment: Enrolment) -> Enrolment:
    """The person's county office approves an enrolment in a course of another county."""
    ensure(user, "approve", enrolment)
    if not enrolment.awaiting_approval:
        raise ValidationError({"status": _("This enrolment is not awaiting approval.")})
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.approved_on, enrolment.approved_by = dt.date.today(), user
    return scoped_save(user, enrolment, update_fields=["status", "approved_on", "approved_by"])


def progress_validate(enrolment: Enrolment, *, today: dt.date) -> None:
    """Attendance within the course's hours; a completion has its date and certificate, and only a completion."""
    course, errors = enrolment.course, {}
    if enrolment.attendance > course.hours:
        errors["attendance"] = _("The course has %(hours)s hours; attendance cannot exceed them.") % {
            "hours": course.hours
        }
    if enrolment.completed:
        if not enrolment.completed_on:
            errors["completed_on"] = _("Give the date the course was completed.")
        check_field(errors, "completed_on", not_in_future, enrolment.completed_on, today=today)
        started = _("The course started on %(day)s; completion cannot come before.")
        check_field(errors, "completed_on", not_before, enrolment.completed_on, course.start_date,
                    started % {"day": course.start_date.isoformat()})  # fmt: skip
        if not enrolment.certificate_number:
            errors["certificate_number"] = _("A completed course has a certificate number.")
        if enrolment.withdrawn_on:
            errors["withdrawn_on"] = _("A person who completed the course has not withdrawn.")
    else:
        if enrolment.completed_on:
            errors["completed_on"] = _("Only a completed course has a completion date.")
        if enrolment.certificate_number:
            errors["certificate_number"] = _("A certificate is recorded only for a completed course.")
    check_field(errors, "withdrawn_on", not_in_future, enrolment.withdrawn_on, today=today)
    check_field(errors, "withdrawn_on", not_before, enrolment.withdrawn_on, enrolment.enrolled_on,
                _("The withdrawal cannot come before the enrolment."))  # fmt: skip
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_record_progress(
    *,
    user: User,
    enrolment: Enrolment,
    attendance: int,
    completed: bool,
    completed_on: dt.date | None = None,
    certificate_number: str = "",
    withdrawn_on: dt.date | None = None,
    notes: str | None = None,
) -> Enrolment:
    """Record hours attended, completion with its certificate, or withdrawal (township, county, HR staff)."""
    ensure(user, "change", enrolment)
    if enrolment.awaiting_approval:
        raise ValidationError({"status": _("This enrolment awaits the approval of the person's county office.")})
    enrolment.attendance, enrolment.completed = attendance, completed
    enrolment.completed_on, enrolment.certificate_number = completed_on, certificate_number.strip()
    enrolment.withdrawn_on = withdrawn_on
    if notes is not None:
        enrolment.notes = notes
    enrolment.status = EnrolmentStatus.WITHDRAWN if withdrawn_on else EnrolmentStatus.ENROLLED
    return scoped_save(user, enrolment, validate=lambda enrolment: progress_validate(enrolment, today=dt.date.today()))
