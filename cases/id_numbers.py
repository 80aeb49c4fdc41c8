"""Citizen ID numbers (GB 11643-1999).

Only the format, the birth date and the ISO 7064 MOD 11-2 check character are validated. The
address code is deliberately not checked against today's divisions: Guizhou IDs issued decades
ago start with retired codes (5222, 5224, 520222...) that are still valid numbers (DESIGN §3).
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn.ric import calc_check_digit

_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


def _birth_date(digits: str) -> dt.date:
    try:
        born = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(_("The birth date in this ID number does not exist."), code="birth_date") from None
    if born.year < 1900 or born > dt.date.today():
        raise ValidationError(_("The birth date in this ID number is impossible."), code="birth_date")
    return born


def normalize_id_number(raw: str) -> str:
    """Return the canonical 18-character form of ``raw`` or raise ValidationError.

    Spaces are dropped, a lower-case x becomes X, and a 15-digit number (issued before 1999) is
    converted: "19" is inserted before the two-digit birth year and the check character appended.
    """
    number = "".join(str(raw).split()).upper()
    if _ID15.match(number):
        _birth_date("19" + number[6:12])
        body = number[:6] + "19" + number[6:]
        return body + calc_check_digit(body + "0")
    if not _ID18.match(number):
        raise ValidationError(_("An ID number has 18 characters (or 15 digits for an old card)."), code="format")
    _birth_date(number[6:14])
    if calc_check_digit(number) != number[-1]:
        raise ValidationError(_("The check character of this ID number is wrong."), code="check_character")
    return number


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """ "M" or "F" from the parity of the 17th character."""
    return "M" if int(number[16]) % 2 else "F"


def mask_id_number(number: str) -> str:
    """The first four and last four characters, the rest hidden: 5201**********123X."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
