"""Enrolments: township workers enrol their persons, the person's county approves another county's
course, HR department staff record attendance and completion without seeing the persons."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Person
from cases.pathway import Stage, pathway_stage
from cases.timeline import timeline
from training.models import Enrolment
from training.services import enrolment_approve, enrolment_create, enrolment_record_progress

from ..factories import MeasureFactory
from .factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = dt.date.today()
ENROLLED_ON = D(2012, 2, 20)


@pytest.fixture
def course(db):
    """An electrician course of 南明区 (520102), the county of persons a and b."""
    return CourseFactory(region_id="520102", hours=120)


@pytest.fixture
def far_course(db):
    """A course of 云岩区 (520103), another county of the same prefecture."""
    return CourseFactory(region_id="520103", skill="厨师")


def enrol(user, person, course, day=ENROLLED_ON):
    return enrolment_create(user=user, person=person, course=course, enrolled_on=day)


def progress(user, enrolment, **changes):
    fields = {"attendance": 60, "completed": False, "completed_on": None, "certificate_number": ""}
    return enrolment_record_progress(user=user, enrolment=enrolment, **{**fields, **changes})


def test_it_enrols_a_person_in_a_course_of_their_county_at_once(worker_a, person_a, course):
    enrolment = enrol(worker_a, person_a, course)
    assert (enrolment.status, enrolment.approved_on, enrolment.approved_by) == ("enrolled", D(2012, 2, 20), worker_a)
    assert enrolment.recorded_by == worker_a


def test_it_refuses_a_second_enrolment_in_the_same_course(worker_a, person_a, course):
    enrol(worker_a, person_a, course)
    with pytest.raises(ValidationError) as error:
        enrol(worker_a, person_a, course, day=D(2012, 2, 25))
    assert error.value.message_dict["course"] == ["该人员已报名参加此培训班。"]
    assert Enrolment.objects.count() == 1


def test_it_refuses_a_full_course_and_bad_dates(worker_a, person_a, person_b, worker_b):
    full = CourseFactory(capacity=1)
    enrol(worker_b, person_b, full)
    with pytest.raises(ValidationError) as error:
        enrol(worker_a, person_a, full)
    assert "course" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        enrol(worker_a, person_a, CourseFactory(), day=TODAY + dt.timedelta(days=1))
    assert "enrolled_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        enrol(worker_a, person_a, CourseFactory(), day=D(2012, 5, 1))  # after the course ended
    assert "enrolled_on" in error.value.message_dict


@pytest.mark.parametrize("who", ["worker_b", "police_a", "hr_staff", "prefecture_officer", "other_county_officer"])
def test_only_those_who_change_the_person_enrol_them(cast, person_a, course, who):
    with pytest.raises(PermissionDenied):
        enrol(cast[who], person_a, course)
    assert not Enrolment.objects.exists()


def test_a_course_of_another_county_waits_for_the_persons_county_office(
    worker_a, county_officer, other_county_officer, hr_staff, person_a, far_course
):
    enrolment = enrol(worker_a, person_a, far_course)
    assert (enrolment.status, enrolment.approved_on, enrolment.approved_by) == ("awaiting_approval", None, None)
    with pytest.raises(ValidationError) as error:
        progress(hr_staff, enrolment)
    assert "status" in error.value.message_dict
    for user in (worker_a, hr_staff, other_county_officer):  # the course's county officer does not decide
        with pytest.raises(PermissionDenied):
            enrolment_approve(user=user, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == "awaiting_approval"
    enrolment = enrolment_approve(user=county_officer, enrolment=enrolment)
    assert (enrolment.status, enrolment.approved_on, enrolment.approved_by) == ("enrolled", TODAY, county_officer)
    with pytest.raises(ValidationError) as error:
        enrolment_approve(user=county_officer, enrolment=enrolment)
    assert "status" in error.value.message_dict


def test_it_records_attendance_and_completion_with_a_certificate(hr_staff, person_a, course):
    enrolment = EnrolmentFactory(person=person_a, course=course)
    progress(hr_staff, enrolment, attendance=120, completed=True, completed_on=D(2012, 4, 30), certificate_number="X1")
    enrolment.refresh_from_db()
    assert (enrolment.attendance, enrolment.completed, enrolment.certificate_number) == (120, True, "X1")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attendance": 121}, "attendance"),
        ({"completed": True, "completed_on": D(2012, 4, 30)}, "certificate_number"),
        ({"certificate_number": "X1"}, "certificate_number"),
        ({"completed": True, "certificate_number": "X1"}, "completed_on"),
        ({"completed": True, "completed_on": D(2012, 2, 28), "certificate_number": "X1"}, "completed_on"),
        ({"completed": True, "completed_on": TODAY + dt.timedelta(days=1), "certificate_number": "X1"}, "completed_on"),
        ({"completed_on": D(2012, 4, 30)}, "completed_on"),
        ({"withdrawn_on": D(2012, 2, 1)}, "withdrawn_on"),
        ({"withdrawn_on": TODAY + dt.timedelta(days=1)}, "withdrawn_on"),
    ],
)
def test_it_refuses_bad_progress_on_its_field(worker_a, person_a, course, changes, field):
    enrolment = EnrolmentFactory(person=person_a, course=course)
    with pytest.raises(ValidationError) as error:
        progress(worker_a, enrolment, **changes)
    assert field in error.value.message_dict
    enrolment.refresh_from_db()
    assert (enrolment.attendance, enrolment.completed) == (0, False)


def test_hr_staff_see_and_update_enrolments_of_their_region_but_never_persons(hr_staff, persons, course):
    enrolments = {key: EnrolmentFactory(person=person, course=course) for key, person in persons.items()}
    assert not Person.objects.visible_to(hr_staff).exists()
    assert set(Enrolment.objects.visible_to(hr_staff)) == {enrolments["a"], enrolments["b"]}
    progress(hr_staff, enrolments["b"], attendance=30)
    for key in ("c", "z"):
        with pytest.raises(PermissionDenied):
            progress(hr_staff, enrolments[key], attendance=30)
        enrolments[key].refresh_from_db()
        assert enrolments[key].attendance == 0


def test_health_staff_see_no_enrolment(person_a, course):
    from ..factories import StaffFactory

    health = StaffFactory(username="health", role="department_staff", department="health", region_id="520102")
    EnrolmentFactory(person=person_a, course=course)
    assert not Enrolment.objects.visible_to(health).exists()


def test_an_approved_enrolment_moves_a_person_under_community_detox_to_training(worker_a, person_a, course):
    MeasureFactory(person=person_a)  # community detox from 2011-03-10
    assert pathway_stage(person_a.pk, D(2012, 3, 15)) == Stage.REHAB
    enrolment = enrol(worker_a, person_a, course)  # course from 2012-03-01
    assert pathway_stage(person_a.pk, D(2012, 2, 25)) == Stage.REHAB  # enrolled, course not started
    assert pathway_stage(person_a.pk, D(2012, 3, 15)) == Stage.TRAINING
    progress(worker_a, enrolment, attendance=10, withdrawn_on=D(2012, 3, 20))
    assert pathway_stage(person_a.pk, D(2012, 3, 19)) == Stage.TRAINING
    assert pathway_stage(person_a.pk, D(2012, 3, 20)) == Stage.REHAB


def test_an_enrolment_awaiting_approval_is_not_training_yet(worker_a, county_officer, person_a, far_course):
    MeasureFactory(person=person_a)
    enrolment = enrol(worker_a, person_a, far_course)
    assert pathway_stage(person_a.pk, D(2012, 3, 15)) == Stage.REHAB
    enrolment_approve(user=county_officer, enrolment=enrolment)
    assert pathway_stage(person_a.pk, D(2012, 3, 15)) == Stage.TRAINING


def test_the_timeline_shows_enrolment_and_completion_to_those_who_see_them(worker_a, worker_b, person_a, course):
    enrolment = enrol(worker_a, person_a, course)
    progress(worker_a, enrolment, attendance=120, completed=True, completed_on=D(2012, 4, 30), certificate_number="Z9")
    entries = [entry for entry in timeline(person_a, user=worker_a) if entry.day.year == 2012]
    assert [(entry.day, entry.tone) for entry in entries] == [(D(2012, 4, 30), "good"), (D(2012, 2, 20), "")]
    assert "Z9" in entries[0].text
    assert timeline(person_a, user=worker_b) == []


def test_the_pages_enrol_record_progress_and_approve(client, worker_a, county_officer, hr_staff, person_a, course):
    far_course = CourseFactory(
        region_id="520103", start_date=TODAY - dt.timedelta(days=10), end_date=TODAY + dt.timedelta(days=30)
    )
    url = reverse("training:enrolment_create", args=[person_a.pk])
    assert url == f"/training/persons/{person_a.pk}/enrol/"
    client.force_login(worker_a)
    choices = list(client.get(url).context["form"].fields["course"].queryset)
    assert choices == [far_course]  # courses of recent years only (the 2012 one is history)
    response = client.post(url, {"course": far_course.pk, "enrolled_on": TODAY.isoformat(), "notes": ""})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.status == "awaiting_approval"
    response = client.post(url, {"course": far_course.pk, "enrolled_on": TODAY.isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["course"]

    client.force_login(county_officer)
    assert person_a.name in client.get(reverse("training:course_list")).content.decode()  # awaiting approval
    response = client.post(reverse("training:enrolment_approve", args=[enrolment.pk]))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.approved_by == county_officer

    client.force_login(hr_staff)
    progress_url = reverse("training:enrolment_progress", args=[enrolment.pk])
    data = {"attendance": "40", "completed": "on", "completed_on": TODAY.isoformat(), "certificate_number": ""}
    response = client.post(progress_url, data)
    assert response.status_code == 200 and response.context["form"].errors["certificate_number"]
    response = client.post(progress_url, {**data, "certificate_number": "人社2012-001"})
    assert response.status_code == 302 and response["Location"] == far_course.get_absolute_url()
    enrolment.refresh_from_db()
    assert (enrolment.attendance, enrolment.certificate_number) == (40, "人社2012-001")


def test_the_api_enrols_records_progress_and_approves(client, worker_a, county_officer, hr_staff, person_a, far_course):
    client.force_login(worker_a)
    payload = {"person": person_a.pk, "course": far_course.pk, "enrolled_on": "2012-02-20"}
    response = client.post(reverse("api:enrolment-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["approved_on"]) == ("awaiting_approval", None)
    response = client.post(reverse("api:enrolment-list"), payload, content_type="application/json")
    assert response.status_code == 400 and "course" in response.json()
    detail = reverse("api:enrolment-detail", args=[body["id"]])
    approve = reverse("api:enrolment-approve", args=[body["id"]])
    assert client.post(approve).status_code == 403

    client.force_login(hr_staff)
    response = client.post(reverse("api:enrolment-list"), payload, content_type="application/json")
    assert response.status_code == 400 and "person" in response.json()  # HR staff see no person
    assert client.post(approve).status_code == 403

    client.force_login(county_officer)
    response = client.post(approve)
    assert response.status_code == 200 and response.json()["approved_by"] == "county_officer"

    client.force_login(hr_staff)
    response = client.patch(detail, {"completed": True}, content_type="application/json")
    assert response.status_code == 400 and {"completed_on", "certificate_number"} <= set(response.json())
    response = client.patch(detail, {"attendance": 500}, content_type="application/json")
    assert response.status_code == 400 and "attendance" in response.json()
    response = client.patch(detail, {"attendance": 100}, content_type="application/json")
    assert response.status_code == 200 and response.json()["attendance"] == 100
    assert client.get(reverse("api:enrolment-list")).json()["count"] == 1


def test_the_api_hides_enrolments_outside_the_scope(client, hr_staff, worker_b, person_a, person_c, course):
    ours, theirs = EnrolmentFactory(person=person_a, course=course), EnrolmentFactory(person=person_c, course=course)
    client.force_login(hr_staff)
    assert [row["id"] for row in client.get(reverse("api:enrolment-list")).json()["results"]] == [ours.pk]
    url = reverse("api:enrolment-detail", args=[theirs.pk])
    assert client.patch(url, {"attendance": 5}, content_type="application/json").status_code == 404
    client.force_login(worker_b)
    assert client.get(reverse("api:enrolment-detail", args=[ours.pk])).status_code == 404
