import io

import pytest
from django.core.management import call_command

from cases.id_numbers import normalize_id_number
from cases.models import Person
from sunshine.models import User

pytestmark = pytest.mark.django_db


def test_it_seeds_a_valid_population_and_one_account_per_role_idempotently():
    out = io.StringIO()
    call_command("seed_demo", "--persons", "50", "--seed", "7", stdout=out)
    first = sorted(Person.objects.values_list("id_number", flat=True))
    call_command("seed_demo", "--persons", "50", "--seed", "7", stdout=out)
    assert sorted(Person.objects.values_list("id_number", flat=True)) == first
    assert 45 <= len(first) <= 50  # a rare repeated ID number within one run is skipped
    assert all(normalize_id_number(number) == number for number in first)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {
        "township_worker",
        "community_police",
        "county_officer",
        "prefecture_officer",
        "province_officer",
        "department_staff",
        "sysadmin",
    }
    for user in User.objects.all():
        user.full_clean(exclude=["password"])
    assert "demo_worker" in out.getvalue()
    from cases.models import Measure
    from placement.models import Placement
    from training.models import Enrolment

    assert Measure.objects.exists() and Placement.objects.exists() and Enrolment.objects.exists()
    for measure in Measure.objects.all():  # the synthetic histories follow the legal rules
        assert measure.ended_on is None or measure.started_on is None or measure.ended_on >= measure.started_on
