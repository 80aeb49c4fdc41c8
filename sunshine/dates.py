"""Calendar arithmetic for the legal clocks: whole years and months, 29 February falling back to the 28th."""

import calendar
import datetime as dt

from django.db.models import DateField, Func


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


class _DateArithmetic(Func):
    """SQL arithmetic on a date (the first expression) by a whole number (the second): PostgreSQL and SQLite."""

    arity = 2
    output_field = DateField()

    def compiled(self, compiler, connection):
        (day, day_params), (number, number_params) = (compiler.compile(arg) for arg in self.source_expressions)
        return day, number, (*day_params, *number_params)


class AddDays(_DateArithmetic):
    """``day + dt.timedelta(days=number)`` in SQL."""

    def as_sql(self, compiler, connection, **extra_context):
        day, number, params = self.compiled(compiler, connection)
        return f"({day} + {number})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        day, number, params = self.compiled(compiler, connection)
        return f"date({day}, ({number}) || ' days')", params


class AddMonths(_DateArithmetic):
    """``add_months(day, number)`` in SQL: the day of the month falls back to the month's last (31 January + 1 month
    is 28 or 29 February), as PostgreSQL's own date arithmetic does; SQLite, which would run over into March, takes
    the earlier of that and the month's last day."""

    def as_sql(self, compiler, connection, **extra_context):
        day, number, params = self.compiled(compiler, connection)
        return f"({day} + make_interval(months => {number}))::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        day, number, params = self.compiled(compiler, connection)
        months, last_day = (
            f"date({day}, '+' || ({number}) || ' months')",
            (f"date({day}, 'start of month', '+' || (({number}) + 1) || ' months', '-1 day')"),
        )
        return f"min({months}, {last_day})", (*params, *params)
