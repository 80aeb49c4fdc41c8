"""Each department's own home page (issue 15, item 5): HR staff see the courses awaiting attendance or
completion, civil-affairs staff the welfare applications to decide, health staff the treatments under way,
each within their region; nobody lands on an empty work list."""

import datetime as dt

import pytest
from django.urls import reverse

from ..conftest import COUNTY, OTHER_COUNTY
from ..factories import MeasureFactory, PersonFactory, StaffFactory
from ..training.factories import CourseFactory, EnrolmentFactory
from ..welfare.factories import BenefitFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_hr_staff_see_the_courses_awaiting_attendance_or_completion(client, hr_staff, person_a, person_b, person_c):
    started = CourseFactory(skill="电工", start_date=TODAY - dt.timedelta(days=40), end_date=TODAY)
    EnrolmentFactory(course=started, person=person_a)
    EnrolmentFactory(course=started, person=person_b)
    done = CourseFactory(skill="厨师", start_date=TODAY - dt.timedelta(days=90), end_date=TODAY)
    EnrolmentFactory(course=done, person=person_a, completed=True, completed_on=TODAY)
    future = CourseFactory(skill="种养殖", start_date=TODAY + dt.timedelta(days=10), end_date=TODAY + dt.timedelta(30))
    EnrolmentFactory(course=future, person=person_a)
    withdrawn = CourseFactory(skill="焊工", start_date=TODAY - dt.timedelta(days=9), end_date=TODAY)
    EnrolmentFactory(course=withdrawn, person=person_a, status="withdrawn", withdrawn_on=TODAY)
    elsewhere = CourseFactory(skill="汽修", region_id=OTHER_COUNTY, start_date=TODAY - dt.timedelta(days=9))
    EnrolmentFactory(course=elsewhere, person=person_c)  # another county's person: not this HR office's

    response = _home(client, hr_staff)
    courses = response.context["sections"][0]["courses"]
    assert [(course.skill, course.pending) for course in courses] == [("电工", 2)]
    body = response.content.decode()
    assert "待登记出勤或结业的培训班" in body and started.get_absolute_url() in body
    assert "逾期" not in body  # no work list of persons
    assert reverse("cases:person_list") not in body  # nor a menu entry for persons they may not see


def test_civil_affairs_staff_see_the_applications_to_decide(client, person_a, person_b, person_c):
    civil_affairs = StaffFactory(
        username="civil_affairs", role="department_staff", department="civil_affairs", region_id=COUNTY
    )
    older = BenefitFactory(person=person_b, applied_on=TODAY - dt.timedelta(days=20))
    newer = BenefitFactory(person=person_a, applied_on=TODAY - dt.timedelta(days=2))
    BenefitFactory(person=person_a, kind="disability", status="refused", decided_on=TODAY, decision_notes="不符合")
    BenefitFactory(person=person_c)  # another county

    response = _home(client, civil_affairs)
    assert list(response.context["sections"][0]["benefits"]) == [older, newer]
    body = response.content.decode()
    assert reverse("welfare:benefit_decide", args=[older.pk]) in body
    assert person_a.masked_id in body and person_a.id_number not in body
    assert person_c.name not in body


def test_health_staff_see_the_treatments_under_way(client, person_a, person_c):
    health = StaffFactory(username="health", role="department_staff", department="health", region_id=COUNTY)
    methadone = MeasureFactory(person=person_a, kind="methadone", ordered_on=None, reported_on=None)
    MeasureFactory(person=person_a)  # community detox: the township's, not the clinic's
    MeasureFactory(person=PersonFactory(township=person_a.township), kind="voluntary_detox", ended_on=TODAY)
    MeasureFactory(person=person_c, kind="methadone", ordered_on=None, reported_on=None)  # another county

    response = _home(client, health)
    assert response.context["sections"][0]["measures"] == [methadone]
    assert "美沙酮维持治疗" in response.content.decode()


def test_workers_keep_their_work_list_and_no_department_section(client, worker_a):
    response = _home(client, worker_a)
    assert response.context["sections"] == []
    assert "逾期" in response.content.decode()


def test_a_department_home_costs_the_same_few_queries_for_many_rows(
    client, hr_staff, township_a, django_assert_max_num_queries
):
    course = CourseFactory(start_date=TODAY - dt.timedelta(days=5))
    for person in PersonFactory.create_batch(30, township=township_a):
        EnrolmentFactory(course=course, person=person)
    client.force_login(hr_staff)
    # session, user, the user's region (menu), the pending counts per course, the courses with their county,
    # and the idle-expiry session save (savepoint, update, release)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("home")).status_code == 200
