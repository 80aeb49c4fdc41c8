import io

import pytest
from django.core.management import call_command

from sunshine.models import Region

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
