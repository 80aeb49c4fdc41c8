"""Courses: anyone signed in reads them; county officers and HR staff change those of their region."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from training.models import Course
from training.services import course_save

from .factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db
D = dt.date


def new_course(**changes):
    fields = {
        "provider_kind": "enterprise",
        "provider_name": "贵州建工集团",
        "skill": "电工",
        "start_date": D(2012, 5, 1),
        "end_date": D(2012, 6, 30),
        "hours": 80,
        "region_id": "520102",
    }
    return Course(**{**fields, **changes})


def test_it_lets_the_county_office_and_hr_staff_create_courses_of_their_county(county_officer, hr_staff):
    course = course_save(user=county_officer, course=new_course())
    assert course.pk and course.created_by == county_officer
    assert course_save(user=hr_staff, course=new_course(skill="厨师")).region_id == "520102"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": D(2012, 4, 30)}, "end_date"),
        ({"hours": 0}, "hours"),
        ({"region_id": "520102001"}, "region"),  # a township, not a county
        ({"region_id": "520103"}, "region"),  # another county
        ({"provider_kind": "school"}, "provider_kind"),
    ],
)
def test_it_refuses_bad_courses_on_their_field(county_officer, changes, field):
    with pytest.raises(ValidationError) as error:
        course_save(user=county_officer, course=new_course(**changes))
    assert field in error.value.message_dict
    assert not Course.objects.exists()


def test_it_refuses_fewer_hours_than_already_attended(county_officer, person_a):
    enrolment = EnrolmentFactory(person=person_a, attendance=100)
    course = enrolment.course
    course.hours = 90
    with pytest.raises(ValidationError) as error:
        course_save(user=county_officer, course=course)
    assert "100" in error.value.message_dict["hours"][0]


@pytest.mark.parametrize("who", ["worker_a", "police_a", "prefecture_officer", "province_officer", "sysadmin"])
def test_other_roles_manage_no_course(cast, who):
    with pytest.raises(PermissionDenied):
        course_save(user=cast[who], course=new_course())
    assert Course.objects.editable_by(cast[who]).count() == 0


def test_a_course_of_another_county_is_out_of_reach(cast):
    ours, theirs = CourseFactory(region_id="520102"), CourseFactory(region_id="520103")
    CourseFactory(region_id="520302")
    assert set(Course.objects.editable_by(cast["county_officer"])) == {ours}
    assert set(Course.objects.editable_by(cast["hr_staff"])) == {ours}
    assert set(Course.objects.editable_by(cast["other_county_officer"])) == {theirs}
    ours.hours = 60
    with pytest.raises(PermissionDenied):
        course_save(user=cast["other_county_officer"], course=ours)
    ours.refresh_from_db()
    assert ours.hours == 120


def test_the_course_page_creates_and_refuses_on_the_field(client, county_officer):
    client.force_login(county_officer)
    data = {
        "skill": "种养殖", "provider_kind": "detox_facility", "provider_name": "贵阳市戒毒所", "region": "520102",
        "start_date": "2012-05-01", "end_date": "2012-04-01", "hours": "40", "capacity": "", "notes": "",
    }  # fmt: skip
    response = client.post(reverse("training:course_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    response = client.post(reverse("training:course_create"), {**data, "end_date": "2012-06-01"})
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert (course.skill, course.hours, course.created_by) == ("种养殖", 40, county_officer)


def test_the_course_form_offers_only_the_users_counties(client, hr_staff, county_officer):
    client.force_login(hr_staff)
    regions = client.get(reverse("training:course_create")).context["form"].fields["region"].queryset
    assert [region.code for region in regions] == ["520102"]


def test_the_edit_page_is_404_outside_the_region_and_403_for_other_roles(client, worker_a, other_county_officer):
    course = CourseFactory(region_id="520102")
    client.force_login(other_county_officer)
    assert client.get(reverse("training:course_update", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 200
    client.force_login(worker_a)
    assert client.get(reverse("training:course_create")).status_code == 403


def test_the_list_filters_by_region_and_skill_and_counts_enrolled(client, worker_a, person_a, person_b, person_c):
    electric = CourseFactory(region_id="520102", skill="电工")
    CourseFactory(region_id="520103", skill="厨师")
    EnrolmentFactory(person=person_a, course=electric)
    EnrolmentFactory(person=person_b, course=electric)
    EnrolmentFactory(person=person_c, course=electric, status="awaiting_approval", approved_on=None)
    client.force_login(worker_a)
    rows = client.get(reverse("training:course_list")).context["object_list"]
    assert {course.skill for course in rows} == {"电工", "厨师"}
    rows = client.get(reverse("training:course_list"), {"region": "520102"}).context["object_list"]
    assert [(course.pk, course.enrolled) for course in rows] == [(electric.pk, 2)]  # the awaiting one is not counted
    rows = client.get(reverse("training:course_list"), {"region": "52", "skill": "厨"}).context["object_list"]
    assert [course.skill for course in rows] == ["厨师"]
    # Latin letters are found whatever their case, on the page and in the API: SQLite's LIKE ignores it,
    # PostgreSQL's does not
    CourseFactory(region_id="520102", skill="CAD制图")
    rows = client.get(reverse("training:course_list"), {"skill": "cad"}).context["object_list"]
    assert [course.skill for course in rows] == ["CAD制图"]
    found = client.get(reverse("api:course-list"), {"skill": "cad"}).json()["results"]
    assert [course["skill"] for course in found] == ["CAD制图"]


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("worker_b", {"b"}, {"a", "c"}),
        ("county_officer", {"a", "b"}, {"c"}),
        ("hr_staff", {"a", "b"}, {"c"}),
        ("other_county_officer", {"c"}, {"a", "b"}),
        ("sysadmin", set(), {"a", "b", "c"}),
    ],
)
def test_the_course_page_shows_only_enrolments_the_user_may_see(client, cast, persons, who, shown, hidden):
    course = CourseFactory(region_id="520102")
    for key in ("a", "b", "c"):
        EnrolmentFactory(person=persons[key], course=course)
    client.force_login(cast[who])
    page = client.get(course.get_absolute_url()).content.decode()
    for key in shown:
        assert persons[key].name in page, (who, key)
    for key in hidden:
        assert persons[key].name not in page, (who, key)
    # HR staff see who attends, but get no link to a person file they may not open.
    assert (persons["a"].get_absolute_url() in page) == (who == "county_officer")


def test_the_api_lets_everyone_read_and_editors_write(client, worker_a, county_officer, other_county_officer):
    course = CourseFactory(region_id="520102")
    url = reverse("api:course-detail", args=[course.pk])
    client.force_login(worker_a)
    assert client.get(reverse("api:course-list")).json()["count"] == 1
    assert client.patch(url, {"hours": 90}, content_type="application/json").status_code == 403
    assert client.post(reverse("api:course-list"), {}, content_type="application/json").status_code == 403
    client.force_login(other_county_officer)
    assert client.get(url).json()["region"] == "520102"
    assert client.patch(url, {"hours": 90}, content_type="application/json").status_code == 404
    client.force_login(county_officer)
    assert client.patch(url, {"hours": 90}, content_type="application/json").json()["hours"] == 90
    payload = {
        "provider_kind": "hr_department", "provider_name": "南明区人社局", "skill": "厨师", "start_date": "2012-05-01",
        "end_date": "2012-04-01", "hours": 40, "region": "520102",
    }  # fmt: skip
    response = client.post(reverse("api:course-list"), payload, content_type="application/json")
    assert response.status_code == 400 and "end_date" in response.json()
    response = client.post(
        reverse("api:course-list"),
        {**payload, "end_date": "2012-06-01", "region": "520103"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "region" in response.json()
    response = client.post(
        reverse("api:course-list"), {**payload, "end_date": "2012-06-01"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["enrolled"] == 0
    assert Course.objects.count() == 2
    course.refresh_from_db()
    assert course.hours == 90


def test_the_api_filters_courses_by_region_within(client, worker_a):
    CourseFactory(region_id="520102", skill="电工")
    CourseFactory(region_id="520103", skill="厨师")
    CourseFactory(region_id="520302", skill="焊工")
    client.force_login(worker_a)
    url = reverse("api:course-list")
    skills = {
        code: sorted(row["skill"] for row in client.get(url, {"region": code}).json()["results"])
        for code in ("520102", "5201", "52", "5203", "530102")
    }
    assert skills == {
        "520102": ["电工"],
        "5201": ["厨师", "电工"],
        "52": ["厨师", "焊工", "电工"],
        "5203": ["焊工"],
        "530102": [],
    }
