import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from cases.pathway import Stage, pathway_stage
from cases.selectors import work_list
from placement.choices import ScaleClass
from placement.models import Placement, scale_class
from placement.selectors import base_scale, bases_with_scale, subsidy_eligibility, tax_relief_list
from placement.services import base_save, placement_save, subsidy_decide

from ..factories import MeasureFactory, PersonFactory
from .factories import BaseFactory, PlacementFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = dt.date.today()


@pytest.mark.parametrize(
    ("start", "end", "long"),
    [
        (D(2013, 11, 1), D(2014, 10, 31), True),  # DESIGN's example: exactly one year
        (D(2013, 11, 1), D(2014, 10, 30), False),
        (D(2012, 2, 29), D(2013, 2, 27), True),  # anniversary of 29 Feb falls on the 28th
        (D(2012, 2, 29), D(2013, 2, 26), False),
        (D(2013, 1, 1), None, False),
    ],
)
def test_a_contract_of_one_year_counts_its_last_day(start, end, long):
    assert Placement.is_long(start, end) is long


@pytest.mark.parametrize(
    ("scale", "cls"),
    [(49, ScaleClass.SMALL), (50, ScaleClass.MEDIUM), (99, ScaleClass.MEDIUM), (100, ScaleClass.LARGE)],
)
def test_scale_classes_at_their_boundaries(scale, cls):
    assert scale_class(scale) == cls


def _fill(base, township, n, **fields):
    for _ in range(n):
        PlacementFactory(person=PersonFactory(township=township), base=base, mode="concentrated", **fields)


def test_a_base_scale_counts_active_long_contracts_on_the_day(township_a):
    base = BaseFactory(region=township_a)
    _fill(base, township_a, 49)
    _fill(base, township_a, 3, contract_end=D(2012, 6, 30), long_contract=False)  # short contracts
    assert base_scale(base, D(2012, 6, 1)) == 49
    _fill(base, township_a, 1, contract_start=D(2012, 6, 1), contract_end=D(2013, 5, 31), long_contract=True)
    assert base_scale(base, D(2012, 5, 31)) == 49
    assert base_scale(base, D(2012, 6, 1)) == 50
    assert base_scale(base, D(2012, 12, 31)) == 50  # the last day still counts
    assert base_scale(base, D(2013, 1, 1)) == 1


def test_a_person_with_two_contracts_at_a_base_counts_once_in_its_scale(province_officer, township_a):
    base = BaseFactory(region=township_a)
    _fill(base, township_a, 49)
    twice = PersonFactory(township=township_a)
    for start in (D(2011, 1, 1), D(2012, 1, 1)):
        PlacementFactory(person=twice, base=base, mode="concentrated", contract_start=start,
                         contract_end=D(2013, 12, 31))  # fmt: skip
    day = D(2012, 6, 1)
    assert base_scale(base, day) == 50
    assert bases_with_scale(user=province_officer, day=day).get(pk=base.pk).scale == 50


def test_subsidy_eligibility_lists_bases_and_since_when(province_officer, township_a, township_b):
    large, medium, small = (BaseFactory(region=township_a) for _ in range(3))
    _fill(large, township_a, 100)
    _fill(medium, township_b, 49)
    _fill(medium, township_b, 1, contract_start=D(2012, 3, 1), contract_end=D(2013, 2, 28))
    _fill(small, township_a, 10)
    rows = subsidy_eligibility(user=province_officer, day=D(2012, 6, 1))
    assert [(row.base, row.scale, row.scale_class, row.since) for row in rows] == [
        (large, 100, ScaleClass.LARGE, D(2012, 1, 1)),
        (medium, 50, ScaleClass.MEDIUM, D(2012, 3, 1)),
    ]


def test_only_the_province_decides_subsidies(county_officer, province_officer, township_a):
    from placement.models import BaseSubsidy

    base = BaseFactory(region=township_a)
    subsidy = BaseSubsidy(base=base, decided_on=D(2012, 5, 1), amount=300000, paying_level="province")
    with pytest.raises(PermissionDenied):
        subsidy_decide(user=county_officer, subsidy=subsidy)
    assert subsidy_decide(user=province_officer, subsidy=subsidy).decided_by == province_officer


def test_the_county_creates_bases_in_its_own_county_only(county_officer, township_a, township_c):
    from placement.models import PlacementBase

    base_save(
        user=county_officer, base=PlacementBase(code="B1", name="基地", region=township_a, opened_on=D(2011, 5, 1))
    )
    with pytest.raises(PermissionDenied):
        base_save(
            user=county_officer, base=PlacementBase(code="B2", name="外县", region=township_c, opened_on=D(2011, 5, 1))
        )
    assert list(PlacementBase.objects.values_list("code", flat=True)) == ["B1"]


def _placement(person, **fields):
    defaults = {"mode": "dispersed", "contract_start": D(2012, 1, 1), "contract_end": D(2012, 12, 31)}
    return Placement(person=person, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"contract_end": D(2011, 12, 31)}, "contract_end"),
        ({"mode": "concentrated"}, "base"),
        ({"mode": "self_employed"}, "contract_end"),
        ({"contract_end": None}, "contract_end"),
        (
            {"contract_start": TODAY + dt.timedelta(days=1), "contract_end": TODAY + dt.timedelta(days=400)},
            "contract_start",
        ),
        ({"tax_policy_marked": True}, "employment_certificate"),
    ],
)
def test_bad_placements_are_refused_on_their_field(worker_a, person_a, fields, field):
    with pytest.raises(ValidationError) as error:
        placement_save(user=worker_a, placement=_placement(person_a, **fields))
    assert field in error.value.message_dict
    assert not Placement.objects.exists()


def test_two_full_time_placements_may_not_overlap(worker_a, person_a):
    placement_save(user=worker_a, placement=_placement(person_a))
    with pytest.raises(ValidationError) as error:
        placement_save(
            user=worker_a, placement=_placement(person_a, contract_start=D(2012, 12, 31), contract_end=D(2013, 12, 30))
        )
    assert "contract_start" in error.value.message_dict
    placement_save(
        user=worker_a, placement=_placement(person_a, contract_start=D(2013, 1, 1), contract_end=D(2013, 12, 31))
    )
    assert Placement.objects.count() == 2


def test_a_base_that_opens_later_cannot_hold_an_earlier_contract(worker_a, person_a, township_a):
    base = BaseFactory(region=township_a, opened_on=D(2012, 6, 1))
    with pytest.raises(ValidationError) as error:
        placement_save(user=worker_a, placement=_placement(person_a, mode="concentrated", base=base))
    assert "base" in error.value.message_dict


def test_placing_someone_out_of_scope_is_refused(worker_b, person_a):
    with pytest.raises(PermissionDenied):
        placement_save(user=worker_b, placement=_placement(person_a))


def test_the_stage_becomes_placement_under_community_detox(worker_a, person_a):
    MeasureFactory(person=person_a)
    assert pathway_stage(person_a.pk, D(2012, 6, 1)) == Stage.REHAB
    placement_save(user=worker_a, placement=_placement(person_a))
    assert pathway_stage(person_a.pk, D(2012, 6, 1)) == Stage.PLACEMENT
    assert pathway_stage(person_a.pk, D(2013, 1, 1)) == Stage.REHAB  # the contract's last day has passed


def test_dispersed_placements_are_followed_up_monthly(worker_a, person_a):
    start = TODAY - dt.timedelta(days=40)
    placement_save(
        user=worker_a, placement=_placement(person_a, contract_start=start, contract_end=start + dt.timedelta(days=400))
    )
    items = [i for i in work_list(user=worker_a, today=TODAY) if i.kind == "placement_follow_up"]
    assert [(i.person, i.due_on) for i in items] == [(person_a, start + dt.timedelta(days=30))]


def test_tax_relief_lists_employers_and_the_self_employed(county_officer, person_a, person_b, township_a):
    from placement.models import Employer

    employer = Employer.objects.create(name="黔南食品厂", region=township_a)
    PlacementFactory(
        person=person_a,
        employer=employer,
        employment_certificate="J1",
        tax_policy_marked=True,
        contract_start=D(2012, 1, 1),
        contract_end=D(2013, 12, 31),
    )
    PlacementFactory(
        person=person_b,
        mode="self_employed",
        contract_end=None,
        long_contract=False,
        employment_certificate="J2",
        tax_policy_marked=True,
        social_insurance=False,
    )
    PlacementFactory(
        person=PersonFactory(township=township_a),
        employer=employer,
        tax_policy_marked=True,
        employment_certificate="J3",
        social_insurance=False,
    )
    employed = tax_relief_list(user=county_officer, day=D(2012, 6, 1))
    assert [(row.placement.person, row.remaining_days) for row in employed] == [
        (person_a, (D(2015, 1, 1) - D(2012, 6, 1)).days)
    ]
    assert [
        row.placement.person for row in tax_relief_list(user=county_officer, day=D(2012, 6, 1), self_employed=True)
    ] == [person_b]
    assert tax_relief_list(user=county_officer, day=D(2015, 1, 1)) == []  # three years from the hire


def test_the_tax_relief_export_is_a_scoped_workbook(client, worker_b, county_officer, person_a):
    PlacementFactory(
        person=person_a,
        employment_certificate="J1",
        tax_policy_marked=True,
        contract_start=TODAY - dt.timedelta(days=10),
        contract_end=TODAY + dt.timedelta(days=400),
    )
    client.force_login(county_officer)
    response = client.get(reverse("placement:tax_relief_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [person_a.name]
    client.force_login(worker_b)
    sheet = load_workbook(io.BytesIO(client.get(reverse("placement:tax_relief_export")).content)).worksheets[0]
    assert sheet.max_row == 1  # headers only: person_a is not worker_b's


def test_the_base_list_query_count_is_fixed(client, worker_a, township_a, django_assert_max_num_queries):
    for _ in range(12):
        _fill(BaseFactory(region=township_a), township_a, 2)
    client.force_login(worker_a)
    # session, user, user's region (menu), count, one page of bases with region, county, employer and scale,
    # idle-expiry session save (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("placement:base_list"))
    assert len(response.context["rows"]) == 12
    with django_assert_max_num_queries(7):
        assert client.get(reverse("api:placement-base-list")).json()["count"] == 12
    assert {b.scale for b in bases_with_scale(user=worker_a, day=D(2012, 6, 1))} == {2}
