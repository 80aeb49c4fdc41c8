"""Training pages and API lists take a fixed number of queries whatever the number of rows."""

import pytest
from django.urls import reverse

from ..factories import PersonFactory
from .factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _population(n, township):
    """``n`` courses of the county, each with an enrolment of a new person of ``township``."""
    for _ in range(n):
        EnrolmentFactory(person=PersonFactory(township=township), course=CourseFactory(region_id=township.parent_id))


# Pages: session, user, user's region (menu); then the rows; then the idle-expiry session save
# (savepoint, update, release). API lists have no menu query.
LISTS = [
    # course list: filter form's region choices, count, one page of courses with region and enrolled count,
    # enrolments awaiting the county officer's approval
    ("training:course_list", 11),  # (with the officer's lawful-query grants, read once per request)
    # course list API: count, one page of courses with region and enrolled count
    ("api:course-list", 7),
    # enrolment list API: the county officer's lawful-query grants (read once per request, for every scoped
    # query), count, one page of enrolments with approver and recorder
    ("api:enrolment-list", 8),
]


@pytest.mark.parametrize(("name", "limit"), LISTS, ids=[name for name, _ in LISTS])
def test_lists_do_not_grow_with_rows(client, county_officer, township_a, name, limit, django_assert_max_num_queries):
    _population(3, township_a)
    client.force_login(county_officer)
    with django_assert_max_num_queries(limit):
        small = client.get(reverse(name))
    _population(12, township_a)
    with django_assert_max_num_queries(limit):
        large = client.get(reverse(name))
    assert small.status_code == large.status_code == 200
    if name.startswith("api:"):
        assert large.json()["count"] == small.json()["count"] + 12
    else:
        assert len(large.context["object_list"]) == 15


def test_the_course_page_does_not_grow_with_enrolments(
    client, county_officer, township_a, township_b, django_assert_max_num_queries
):
    course = CourseFactory(region_id="520102")
    for township in (township_a, township_b) * 2:
        EnrolmentFactory(person=PersonFactory(township=township), course=course)
    client.force_login(county_officer)
    # session, user, region (menu); course with its county; editable check; enrolments visible to the
    # user with person and township; session save (3); the lawful-query banner's grant check (#14)
    with django_assert_max_num_queries(10):
        small = client.get(course.get_absolute_url())
    for township in (township_a, township_b) * 10:
        EnrolmentFactory(person=PersonFactory(township=township), course=course)
    with django_assert_max_num_queries(10):
        large = client.get(course.get_absolute_url())
    assert len(large.context["enrolments"]) == len(small.context["enrolments"]) + 20 == 24
