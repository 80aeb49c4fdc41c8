"""The one way figures read (sunshine.formatting): rates, gaps in percentage points, counts and no data."""

from fractions import Fraction

from django.utils import translation

from sunshine import formatting


def test_it_writes_a_rate_as_a_percentage_and_no_data_in_words():
    assert formatting.percent(0.753) == "75.3%"
    assert formatting.percent(Fraction(3, 4)) == "75.0%"
    with translation.override("zh-hans"):
        assert formatting.percent(None) == "无数据"
    assert formatting.percent(None, no_data="") == ""


def test_it_signs_gaps_in_percentage_points_with_one_minus():
    assert formatting.points(0.021) == "+2.1"
    assert formatting.points(-0.05) == "-5.0"
    assert formatting.points(-0.0004) == formatting.points(0) == "0.0"
    assert formatting.points(-0.05, signed=False) == "5.0"
    assert formatting.points(None) == ""


def test_it_writes_counts_and_their_changes():
    assert formatting.figure(12, rate=False) == formatting.figure(12.0, rate=False) == "12"
    assert [formatting.gap(n, rate=False) for n in (3, -3, 0, None)] == ["+3", "-3", "0", ""]
    assert formatting.gap(Fraction(1, 40), rate=True) == "+2.5"
