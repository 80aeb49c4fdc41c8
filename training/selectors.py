"""Reads of the training app. Courses are open to every signed-in user; enrolments go through the scope."""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from sunshine.models import Region, User

from .choices import EnrolmentStatus
from .models import Course, Enrolment

# How long after its end a course is still offered when enrolling a person from the UI.
RECENT_COURSE_DAYS = 365


def course_list(*, user: User, region: Region | None = None, skill: str = "") -> QuerySet[Course]:
    """Courses with their enrolled count (approved, not withdrawn), optionally within a region or by skill."""
    courses = (
        Course.objects.visible_to(user)
        .select_related("region")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
    )
    if region is not None:
        courses = courses.within(region)
    if skill.strip():
        courses = courses.filter(skill__icontains=skill.strip())  # "cad" finds CAD制图 on either engine
    return courses.order_by("-start_date", "-id")  # aggregation drops Meta.ordering


def courses_to_enrol(*, user: User, county_code: str, today: dt.date | None = None) -> QuerySet[Course]:
    """Courses a person may be enrolled in from the UI: recent ones, the person's own county first."""
    since = (today or dt.date.today()) - dt.timedelta(days=RECENT_COURSE_DAYS)
    own_first = Case(When(region_id=county_code, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Course.objects.visible_to(user)
        .filter(end_date__gte=since)
        .select_related("region")
        .annotate(own_first=own_first)
        .order_by("own_first", "region_id", "-start_date")
    )


def enrolments_awaiting(*, user: User) -> QuerySet[Enrolment]:
    """Enrolments in another county's course waiting for this county officer's approval."""
    return (
        Enrolment.objects.editable_by(user)
        .filter(status=EnrolmentStatus.AWAITING_APPROVAL)
        .select_related("person", "course__region")
    )


def courses_awaiting_progress(*, user: User, today: dt.date, limit: int = 100) -> list[Course]:
    """Courses that have started and still hold enrolled persons without completion: where HR staff record
    attendance and completion. Each carries ``pending``, the number of those enrolments the user may see;
    courses that ended first come first."""
    pending = (
        Enrolment.objects.visible_to(user)
        .filter(status=EnrolmentStatus.ENROLLED, completed=False, withdrawn_on__isnull=True)
        .filter(course__start_date__lte=today)
    )
    counts = dict(pending.order_by().values_list("course").annotate(n=Count("id")).values_list("course", "n"))
    courses = Course.objects.visible_to(user).filter(pk__in=counts).select_related("region")
    courses = list(courses.order_by("end_date", "id")[:limit])
    for course in courses:
        course.pending = counts[course.pk]
    return courses
