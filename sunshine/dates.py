"""Calendar arithmetic for the legal clocks: whole years and months, 29 February falling back to the 28th."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Completed calendar years from ``start`` to ``end`` (0 before the first anniversary)."""
    years = end.year - start.year
    return years - 1 if add_years(start, years) > end else years


def latest_start_for_years(day: dt.date, years: int) -> dt.date:
    """The last start date whose ``years``-th anniversary (``add_years``) falls on or before ``day``: whatever started
    on or before it has completed ``years`` whole years on ``day``. SQL then tells a measure's year by comparing its
    start with dates computed here."""
    start = add_years(day, -years)
    while add_years(start + dt.timedelta(days=1), years) <= day:  # 28 and 29 February share an anniversary
        start += dt.timedelta(days=1)
    return start
