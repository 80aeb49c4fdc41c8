"""Rows of the permission matrix for the training app (see tests/permission_matrix.py)."""

from ..permission_matrix import PERSON_EDITORS, ObjectRoute, PersonRoute, RegionRoute, Roles, SignedIn
from .factories import CourseFactory, EnrolmentFactory

COURSE_MANAGERS = frozenset({"county_officer", "other_county_officer", "hr_staff"})
# Township workers and county officers of the person, and HR department staff of the region.
PROGRESS_RECORDERS = PERSON_EDITORS | {"hr_staff"}
COURSE_EDITS = {"county_officer": {"a"}, "other_county_officer": {"c"}, "hr_staff": {"a"}}


def build_course(county_code):
    return CourseFactory(region_id=county_code)


build_course.per_region = True


def build_enrolment(person):
    """An approved enrolment in a course of the person's own county."""
    return EnrolmentFactory(person=person, course=CourseFactory(region_id=person.township.parent_id))


BUILDERS = {"course": build_course, "enrolment": build_enrolment}
# HR department staff of 520102 see the enrolments of its persons (a and b), never the persons themselves.
SEES = {"enrolment": {"hr_staff": {"a", "b"}}}

ROUTES = {
    "training:course_list": SignedIn(),
    "training:course_create": Roles(COURSE_MANAGERS),
    "training:course_detail": RegionRoute("course"),
    "training:course_update": RegionRoute("course", editors=COURSE_EDITS),
    "training:enrolment_create": PersonRoute(editors=PERSON_EDITORS),
    "training:enrolment_progress": ObjectRoute("enrolment", editors=PROGRESS_RECORDERS),
    "training:enrolment_approve": ObjectRoute("enrolment", action="approve"),
    "api:course-list": SignedIn(),
    "api:course-detail": RegionRoute("course"),
    "api:enrolment-list": SignedIn(),
    "api:enrolment-detail": ObjectRoute("enrolment"),
    # The built enrolments are already approved: the person's county officer gets 400, others 403 or 404.
    "api:enrolment-approve": ObjectRoute("enrolment", action="approve", method="post", ok=400),
}
