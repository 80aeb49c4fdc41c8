import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reporting.models import Target
from reporting.targets import assess, target_for, target_set

pytestmark = pytest.mark.django_db
D = dt.date


def control(region="52", value="0.75", **fields):
    return Target(indicator="control_rate", region_id=region, target_value=Decimal(value), deadline=D(2013, 12, 31),
                  baseline_value=Decimal("0.55"), baseline_date=D(2011, 12, 31), **fields)  # fmt: skip


def test_milestones_between_baseline_and_deadline_are_linear_and_derived():
    target = control()
    assert target.goal_on(D(2011, 12, 31)) == (0.55, False)
    goal, derived = target.goal_on(D(2012, 12, 31))
    assert derived and goal == pytest.approx(0.55 + 0.20 * 366 / 731)
    assert target.goal_on(D(2013, 12, 31)) == (0.75, False)


def test_a_new_target_supersedes_and_keeps_history(province_officer):
    first = target_set(user=province_officer, target=control())
    second = target_set(user=province_officer, target=control(value="0.80"))
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert target_for(region_code="520102016", indicator="control_rate") == second


def test_a_county_target_overrides_the_province_for_its_townships(province_officer):
    province = target_set(user=province_officer, target=control())
    county = target_set(user=province_officer, target=control(region="520102", value="0.85"))
    assert target_for(region_code="520102016", indicator="control_rate") == county
    assert target_for(region_code="520103001", indicator="control_rate") == province
    assert target_for(region_code="520102016", indicator="whereabouts_rate") is None  # none set at any level


@pytest.mark.parametrize("who", ["county_officer", "prefecture_officer", "worker_a", "sysadmin"])
def test_only_the_province_sets_targets(request, who):
    with pytest.raises(PermissionDenied):
        target_set(user=request.getfixturevalue(who), target=control())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"indicator": "nonsense"}, "indicator"),
        ({"target_value": Decimal("75")}, "target_value"),
        ({"deadline": D(2011, 1, 1)}, "deadline"),
    ],
)
def test_bad_targets_are_refused_on_their_field(province_officer, fields, field):
    target = control()
    for name, value in fields.items():
        setattr(target, name, value)
    with pytest.raises(ValidationError) as error:
        target_set(user=province_officer, target=target)
    assert field in error.value.message_dict


def test_a_figure_is_assessed_against_the_goal_of_its_date():
    target = control()
    assert assess(value=0.80, target=target, day=D(2013, 12, 31)) == {
        "value": 0.8,
        "goal": 0.75,
        "derived": False,
        "gap": pytest.approx(0.05),
        "met": True,
    }
    assert assess(value=0.60, target=target, day=D(2012, 12, 31))["met"] is False
    assert assess(value=None, target=target, day=D(2012, 12, 31))["met"] is None  # no data is not a failure


def test_a_figure_is_assessed_against_the_target_in_force_on_its_date(province_officer):
    target_set(user=province_officer, target=control(effective_from=D(2011, 1, 1)))
    raised = target_set(user=province_officer, target=control(value="0.80", effective_from=D(2013, 1, 1)))
    county = target_set(
        user=province_officer, target=control(region="520102", value="0.90", effective_from=D(2013, 7, 1))
    )
    in_2012 = target_for(region_code="520102016", indicator="control_rate", day=D(2012, 12, 31))
    assert (in_2012.target_value, in_2012.region_id) == (Decimal("0.75"), "52")  # the first row, since superseded
    assert target_for(region_code="520102016", indicator="control_rate", day=D(2013, 3, 31)) == raised
    assert target_for(region_code="520102016", indicator="control_rate", day=D(2013, 12, 31)) == county
    assert target_for(region_code="520103001", indicator="control_rate", day=D(2013, 12, 31)) == raised
    assert target_for(region_code="520102016", indicator="control_rate", day=D(2010, 12, 31)) is None


def test_the_seeded_targets_apply_to_the_opinions_years():
    seeded = target_for(region_code="520102016", indicator="control_rate", day=D(2011, 12, 31))
    assert (seeded.target_value, seeded.source) == (Decimal("0.7500"), "黔府办发〔2011〕108号")


def test_the_targets_api_reads_for_all_and_writes_for_the_province(client, worker_a, province_officer):
    url = reverse("api:target-list")
    payload = {"indicator": "control_rate", "region": "5201", "target_value": "0.8", "deadline": "2013-12-31"}
    client.force_login(worker_a)
    assert client.post(url, payload).status_code == 403
    client.force_login(province_officer)
    created = client.post(url, payload)
    assert created.status_code == 201, created.content
    client.force_login(worker_a)
    assert any(row["region"] == "5201" for row in client.get(url, {"indicator": "control_rate"}).json()["results"])


def test_a_count_target_applies_to_its_own_region_only():
    province = target_for(region_code="52", indicator="bases_100_plus_opened", day=D(2012, 12, 31))
    assert province.target_value == 15 and province.per_year
    assert target_for(region_code="520102", indicator="bases_100_plus_opened", day=D(2012, 12, 31)) is None
    assert target_for(region_code="520102", indicator="control_rate", day=D(2012, 12, 31)).region_id == "52"


def test_a_yearly_count_is_assessed_up_to_its_deadline_year_only():
    province = target_for(region_code="52", indicator="bases_100_plus_opened", day=D(2014, 12, 31))
    assert province.deadline.year == 2013
    assert assess(value=10, target=province, day=D(2013, 12, 31))["met"] is False
    assert assess(value=20, target=province, day=D(2013, 12, 31))["met"] is True
    after = assess(value=20, target=province, day=D(2014, 12, 31))
    assert (after["goal"], after["met"]) == (None, None)  # the dashboard, the bulletin and the assessment alike
