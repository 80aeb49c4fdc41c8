import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from sunshine.choices import Level
from sunshine.models import Region
from sunshine.regions import RegionCode
from sunshine.views import chosen_region

pytestmark = pytest.mark.django_db


def test_it_loads_every_division_with_its_level():
    counts = {
        level: Region.objects.filter(level=level).count() for level in ("province", "prefecture", "county", "township")
    }
    assert counts == {"province": 1, "prefecture": 9, "county": 88, "township": 1510}
    assert Region.objects.get(code="520324116").name == "桴㯊镇"  # CJK Extension A survives the round trip


def test_it_is_idempotent():
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert Region.objects.count() == 1608
    assert "0 new" in out.getvalue()


def test_it_marks_urban_townships_by_name_suffix():
    townships = Region.objects.townships()
    assert townships.filter(is_urban=True).count() == 365 + 831  # 街道 + 镇
    assert townships.filter(is_urban=False).count() == 314  # 乡
    assert all(r.name.endswith("乡") for r in townships.filter(is_urban=False))
    assert not Region.objects.get(code="5201").is_urban  # only townships are classed


def test_containment_is_a_code_prefix():
    county = Region.objects.get(code="520102")
    inside = Region.objects.within(county)
    assert inside.count() == 1 + Region.objects.filter(parent=county).count()
    assert county.contains("520102016") and not county.contains("520103001")


def test_urban_townships_follow_the_setting(settings):
    assert Region.from_row("520102001", "中华南路街道", "520102").is_urban
    assert not Region.from_row("520113100", "金华乡", "520113").is_urban
    settings.URBAN_TOWNSHIP_SUFFIXES = ("街道",)
    assert not Region.from_row("520113101", "青岩镇", "520113").is_urban
    assert not Region.from_row("520113", "白云区", "5201").is_urban  # only townships are urban or rural


def test_a_code_knows_its_level_and_the_regions_above_it():
    township = RegionCode("520102016")
    assert (township.level, township.is_township) == (Level.TOWNSHIP, True)
    assert (township.county, township.prefecture, township.province) == ("520102", "5201", "52")
    assert township.lineage == ("520102016", "520102", "5201", "52")  # the nearest first
    county = RegionCode("520102")
    assert (county.level, county.is_township, county.county, county.prefecture) == (Level.COUNTY, False, county, "5201")
    assert (RegionCode("5201").county, RegionCode("5201").prefecture) == (None, "5201")
    assert (RegionCode("52").county, RegionCode("52").prefecture, RegionCode("52").lineage) == (None, None, ("52",))
    assert isinstance(township.county, RegionCode) and township.county.county == "520102"


@pytest.mark.parametrize("code", ["", "5", "520", "52010", "5201020", "52010201", "5201020160", "52O102", "520102 "])
def test_a_code_of_another_length_or_not_digits_is_refused(code):
    with pytest.raises(ValueError, match="not a region code"):
        RegionCode(code)
    if code:
        with pytest.raises(ValidationError):
            Region.level_of(code)


def test_containment_works_between_codes_and_regions_either_way():
    county = Region.objects.get(code="520102")
    township = Region.objects.filter(parent=county).first()
    assert county.contains(township) and county.contains(township.code) and county.contains(RegionCode(township.code))
    assert RegionCode("5201").contains(county) and RegionCode("52").contains(township)
    assert not township.contains(county) and not RegionCode(township.code).contains("520102")
    assert county.contains(county) and not county.contains("520103") and not county.contains("5201")


def test_a_region_answers_in_the_codes_words():
    township = Region.objects.get(code="520102016")
    assert township.is_township and (township.county, township.prefecture) == ("520102", "5201")
    assert township.county == township.parent_id
    county = Region.objects.get(code="520102")
    assert not county.is_township and county.county == "520102" and county.prefecture == county.parent_id
    assert Region.objects.get(code="52").county is None
    assert all(region.is_township == (region.level == Level.TOWNSHIP) for region in Region.objects.all())
    assert set(Region.objects.within("520102")) == set(Region.objects.within(county))


def test_a_chosen_region_is_the_users_own_or_below_it_and_any_other_is_not_found(county_officer, sysadmin, township_a):
    """The one answer to ``?region=`` of the work list, the dashboards and the outcomes."""
    own = Region.objects.get(code=county_officer.region_id)
    assert chosen_region(county_officer, None) is None  # the work list: no region asked, the whole scope
    assert chosen_region(county_officer, "", default=own) == own  # a dashboard: the user's own
    assert chosen_region(county_officer, " 520102 ") == own
    assert chosen_region(county_officer, township_a.code) == township_a
    for code in ("520103", "520103001", "5201", "52", "520102999", "abc"):  # a sibling, above, missing, not a code
        with pytest.raises(Http404):
            chosen_region(county_officer, code)
    with pytest.raises(Http404):
        chosen_region(sysadmin, township_a.code)  # no region, reaches none
