import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from sunshine.models import User
from sunshine.services import staff_save

from ..conftest import MANAGES
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "region", "department", "field"),
    [
        ("township_worker", "520102", "", "region"),  # a county is not a township
        ("county_officer", "520102016", "", "region"),
        ("province_officer", "5201", "", "region"),
        ("sysadmin", "52", "", "region"),  # the system administrator has no region
        ("township_worker", None, "", "region"),
        ("department_staff", "520102", "", "department"),
        ("county_officer", "520102", "hr", "department"),
    ],
)
def test_role_and_level_must_agree(role, region, department, field):
    user = User(username="x", role=role, region_id=region, department=department)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("role", "region", "department"),
    [
        ("township_worker", "520102016", ""),
        ("county_officer", "520102", ""),
        ("department_staff", "5201", "health"),
        ("department_staff", "520102016", "civil_affairs"),
        ("sysadmin", None, ""),
    ],
)
def test_agreeing_role_and_level_pass(role, region, department):
    User(username="x", role=role, region_id=region, department=department, password="x").full_clean()


def test_create_staff_makes_the_first_provincial_account_and_is_idempotent():
    out = io.StringIO()
    call_command(
        "create_staff", "prov", "--role", "province_officer", "--region", "52", "--password", PASSWORD, stdout=out
    )
    call_command("create_staff", "prov", "--role", "province_officer", "--region", "52", stdout=out)
    user = User.objects.get(username="prov")
    assert (user.role, user.region_id) == ("province_officer", "52")
    assert user.check_password(PASSWORD)
    assert User.objects.filter(username="prov").count() == 1


def test_create_staff_refuses_a_role_at_the_wrong_level():
    with pytest.raises(CommandError, match="region"):
        call_command("create_staff", "w", "--role", "township_worker", "--region", "5201", stdout=io.StringIO())
    assert not User.objects.filter(username="w").exists()


def test_each_level_manages_only_the_levels_below_in_its_region(cast):
    for name, user in cast.items():
        manageable = set(User.objects.manageable_by(user).values_list("username", flat=True))
        assert manageable == MANAGES.get(name, set()), name


def test_a_county_officer_cannot_create_an_account_in_another_county(county_officer, township_c):
    with pytest.raises(PermissionDenied):
        staff_save(
            manager=county_officer,
            account=User(username="intruder", role="township_worker", region=township_c),
            password=PASSWORD,
        )
    assert not User.objects.filter(username="intruder").exists()


def test_a_county_officer_creates_a_worker_through_the_page(client, county_officer, township_a):
    client.force_login(county_officer)
    response = client.post(
        reverse("staff_create"),
        {
            "username": "new_worker",
            "full_name": "新人",
            "role": "township_worker",
            "region": township_a.code,
            "password": PASSWORD,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new_worker").region == township_a


def test_the_staff_form_refuses_a_region_outside_the_managers_own(client, county_officer, township_c):
    client.force_login(county_officer)
    response = client.post(
        reverse("staff_create"),
        {"username": "new_worker", "role": "township_worker", "region": township_c.code, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(username="new_worker").exists()


def test_the_staff_form_refuses_a_weak_password(client, county_officer, township_a):
    client.force_login(county_officer)
    response = client.post(
        reverse("staff_create"),
        {"username": "new_worker", "role": "township_worker", "region": township_a.code, "password": "123"},
    )
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username="new_worker").exists()


def test_the_system_administrator_cannot_create_an_account_that_reads_personal_data(client, sysadmin):
    """Issue 12, finding 1: the sysadmin made a provincial officer and read every person through it."""
    client.force_login(sysadmin)
    response = client.post(
        reverse("staff_create"),
        {"username": "prov2", "role": "province_officer", "region": "52", "password": PASSWORD, "is_active": "on"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"role", "region"}
    assert not User.objects.filter(username="prov2").exists()
    with pytest.raises(PermissionDenied):
        staff_save(manager=sysadmin, account=User(username="prov3", role="province_officer", region_id="52"))
    assert not User.objects.filter(username="prov3").exists()


def test_the_system_administrator_keeps_administrator_accounts_only(client, sysadmin, worker_a):
    client.force_login(sysadmin)
    assert client.get(reverse("staff_update", kwargs={"pk": worker_a.pk})).status_code == 404
    assert [choice for choice, _label in response_roles(client)] == ["sysadmin"]
    response = client.post(
        reverse("staff_create"), {"username": "admin2", "role": "sysadmin", "password": PASSWORD, "is_active": "on"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin2").region_id is None


def response_roles(client):
    return [
        (value, label) for value, label in client.get(reverse("staff_create")).context["form"].fields["role"].choices
    ]


@pytest.mark.parametrize(
    ("manager", "role", "region"),
    [
        ("county_officer", "county_officer", "520102"),  # its own level
        ("prefecture_officer", "province_officer", "52"),  # above it
        ("prefecture_officer", "prefecture_officer", "5203"),  # its level, another prefecture
    ],
)
def test_nobody_raises_an_account_to_a_role_they_could_not_hold(client, cast, worker_a, manager, role, region):
    client.force_login(cast[manager])
    response = client.post(
        reverse("staff_update", kwargs={"pk": worker_a.pk}),
        {"username": worker_a.username, "role": role, "region": region, "is_active": "on"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    worker_a.refresh_from_db()
    assert (worker_a.role, worker_a.region_id) == ("township_worker", cast["worker_a"].region_id)


def test_role_changes_and_new_accounts_are_shown_to_provincial_officers(
    client, county_officer, province_officer, sysadmin, worker_a, other_county_officer
):
    worker_a.role = "community_police"
    staff_save(manager=county_officer, account=worker_a)
    staff_save(manager=sysadmin, account=User(username="admin2", role="sysadmin"), password=PASSWORD)
    client.force_login(province_officer)
    body = client.get(reverse("audit_log"), {"about": "staff"}).content.decode()
    assert worker_a.username in body and "admin2" in body
    client.force_login(other_county_officer)  # another county's office does not see this county's accounts
    assert worker_a.username not in client.get(reverse("audit_log"), {"about": "staff"}).content.decode()
