"""How figures read, in one place: the pages and their template filters, the dashboards, the bulletin, the assessment
report's words and files, outcomes.

- A rate is a percentage with one decimal: 0.753 → "75.3%".
- A gap or change between two rates is in percentage points, one decimal, signed with "+" or "-" (ASCII, as Excel's
  own number formats write it): +2.1, -5.0; a gap that rounds to nothing is "0.0". In words that say the direction
  ("2.1 percentage points above it") the number is unsigned.
- A count is written as it is (12), its change signed (+3, -3, 0).
- A rate with a zero denominator has no data: "no data" (无数据), never 0% or 100%. A stored report carries the
  words it was finalised with and passes them as ``no_data``.
"""

from django.utils.translation import gettext as _


def percent(value, *, no_data: str | None = None) -> str:
    """0.753 → "75.3%"; None → ``no_data`` (by default "no data")."""
    if value is None:
        return _("no data") if no_data is None else no_data
    return f"{100 * float(value):.1f}%"


def count(value, *, no_data: str | None = None) -> str:
    """12 → "12" (a stored figure may come back as 12.0: also "12")."""
    if value is None:
        return _("no data") if no_data is None else no_data
    return str(value) if isinstance(value, int) else f"{value:g}"


def figure(value, *, rate: bool, no_data: str | None = None) -> str:
    """A figure as it reads: a rate as a percentage, a count as a number."""
    return percent(value, no_data=no_data) if rate else count(value, no_data=no_data)


def points(value, *, signed: bool = True) -> str:
    """A gap between two rates in percentage points: 0.021 → "+2.1", -0.05 → "-5.0", 0.0004 → "0.0"; unsigned
    (``signed=False``, where the words say the direction) → "2.1". No gap (None) → ""."""
    if value is None:
        return ""
    number = round(100 * float(value), 1)
    if not signed:
        return f"{abs(number):.1f}"
    return f"{number:+.1f}" if number else "0.0"


def gap(value, *, rate: bool) -> str:
    """A gap or a change: in percentage points for a rate (+2.1), in units for a count (+3, -3, 0); None → ""."""
    if value is None:
        return ""
    if rate:
        return points(value)
    return f"{value:+g}" if value else "0"
