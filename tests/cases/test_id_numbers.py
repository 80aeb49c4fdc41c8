import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.id_numbers import birth_date_of, mask_id_number, normalize_id_number, sex_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the standard's own example
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),  # spaces typed or pasted
        ("110105491231002", "11010519491231002X"),  # 15-digit card converted
        ("522401198507120019", "522401198507120019"),  # retired address code 5224 (old 毕节地区)
        ("522201199001010019", "522201199001010019"),  # retired 5222 (old 铜仁地区)
        ("520222198001010014", "520222198001010014"),  # retired 520222
    ],
)
def test_it_accepts_and_normalizes(raw, expected):
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "check_character"),
        ("522401198507120013", "check_character"),
        ("110105194902300027", "birth_date"),  # 30 February
        ("110105189912310020", "birth_date"),  # before 1900
        ("110105299912310025", "birth_date"),  # in the future
        ("11010519491231002", "format"),  # 17 characters
        ("1101051949123100X2", "format"),  # X not last
        ("11010549123100", "format"),  # 14 digits
        ("110105490231002", "birth_date"),  # 15 digits, 31 February 1949
        ("", "format"),
    ],
)
def test_it_refuses(raw, code):
    with pytest.raises(ValidationError) as error:
        normalize_id_number(raw)
    assert error.value.code == code


def test_it_reads_birth_date_and_sex():
    assert birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)
    assert sex_of("11010519491231002X") == "F"  # 17th digit 2 is even
    assert sex_of("522401198507120019") == "M"


def test_it_masks_all_but_the_ends():
    assert mask_id_number("520102198503141232") == "5201**********1232"
