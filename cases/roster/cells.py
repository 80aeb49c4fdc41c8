"""Reading the cells of a roster workbook: dates, ID numbers, region codes, choices and text.

Every parser takes what openpyxl or the CSV reader gave (str, int, float, datetime, date or None) and
returns the value, ``None`` for an empty cell, or raises ``CellError`` with a stable code and a message
for the user. Nothing here touches the database.
"""

import datetime as dt
import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.validators import not_in_future

from ..id_numbers import normalize_id_number

ID_AS_NUMBER = "This ID number was stored as a number and Excel has lost its last digits; format the column as text."
# Excel keeps 15 significant digits of a number: an 18-digit ID typed into a number cell loses its last
# three digits (and shows as 5.20102E+17). 15-digit numbers (old cards) survive intact.
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$")
_CODE = re.compile(r"^\d+$")


class CellError(Exception):
    """A refused cell: ``code`` is stable (tests and tools read it), ``message`` is for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: int | float) -> str:
    """An integral number as its digits (a phone number or a code typed into a number cell)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def parse_text(value, *, max_length: int | None = None) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, int | float):
        text = _number_text(value)
    elif isinstance(value, dt.datetime | dt.date):
        text = value.strftime("%Y-%m-%d")
    else:
        text = " ".join(str(value).split())
    if max_length and len(text) > max_length:
        raise CellError("too_long", _("At most %(count)d characters.") % {"count": max_length})
    return text


def parse_date(value, *, today: dt.date, future_ok: bool = False) -> dt.date | None:
    """A date cell, or text YYYY-MM-DD (also YYYY/MM/DD and 2011年3月1日); never in the future unless allowed."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and (match := _DATE_TEXT.match(value.strip())):
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError("bad_date", _("This date does not exist.")) from None
    else:
        raise CellError("bad_date", _("Write the date as YYYY-MM-DD (text or a date cell)."))
    if day.year < 1900:
        raise CellError("bad_date", _("This date is impossible."))
    if not future_ok:
        try:
            not_in_future(day, today=today)
        except ValidationError as error:
            raise CellError(error.code, error.messages[0]) from None
    return day


ID_CODES = {"format": "id_format", "check_character": "id_check", "birth_date": "id_birth_date"}


def parse_id_number(value) -> str | None:
    """The canonical 18-character ID number. A number cell holding more than 15 digits has lost digits."""
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = _number_text(value)
        if len(digits) > EXCEL_DIGITS or not _CODE.match(digits):
            raise CellError("id_as_number", _(ID_AS_NUMBER))
        value = digits
    return _id_number(str(value).strip())


@functools.lru_cache(maxsize=65536)
def _id_number(text: str) -> str:
    """Parsed once per import and ID, though a person's ID is on every one of their rows."""
    if _SCIENTIFIC.match(text):
        raise CellError("id_as_number", _(ID_AS_NUMBER))
    try:
        return normalize_id_number(text)
    except ValidationError as error:
        raise CellError(ID_CODES.get(error.code, "id_format"), error.messages[0]) from None


def parse_code(value, *, length: int = 9) -> str | None:
    """A division code (a township has 9 digits), from text or a number cell."""
    if is_empty(value):
        return None
    text = _number_text(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value).strip()
    if not _CODE.match(text) or len(text) != length:
        raise CellError("unknown_township", _("A township code has %(count)d digits.") % {"count": length})
    return text


def spelling(text) -> str:
    """How a choice is looked up: without spaces, lower case (so English aliases match in any case)."""
    return "".join(str(text).split()).lower()


def parse_choice(value, choices: dict[str, str], *, code: str = "unknown_choice") -> str | None:
    """One of ``choices`` (spelling → stored value); the message lists what is accepted."""
    if is_empty(value):
        return None
    found = choices.get(spelling(value))
    if found is None:
        accepted = " / ".join(name for name in choices if not name.isascii())
        raise CellError(code, _("Unknown value “%(value)s”; use one of: %(accepted)s.") % {
            "value": str(value).strip(), "accepted": accepted})  # fmt: skip
    return found


BOOLEANS = {"是": True, "否": False, "有": True, "无": False, "yes": True, "no": False, "true": True,
            "false": False, "y": True, "n": False, "1": True, "0": False}  # fmt: skip


def parse_bool(value) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = _number_text(value) if isinstance(value, int | float) else value
    found = BOOLEANS.get(spelling(text))
    if found is None:
        raise CellError("unknown_choice", _("Write 是 or 否."))
    return found
