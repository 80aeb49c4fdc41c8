"""Database chores that the ORM does not cover."""

from django.db import connection, models


def analyze(*model_classes: type[models.Model]) -> None:
    """Refresh the planner's statistics of these models' tables after a bulk load (PostgreSQL's ``ANALYZE``; a
    no-op elsewhere). Autovacuum gets there eventually, but until it does the planner plans a table that went
    from empty to millions of rows as if it were empty (issue 17: nested loops over 2.7 M visits)."""
    if connection.vendor != "postgresql":
        return
    tables = sorted({model._meta.db_table for model in model_classes})
    if tables:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, tables))}")


# A date as the day number Python gives it (``date.toordinal()``: 0001-01-01 is 1), and 0 for NULL: dates read as
# plain integers, for arrays of many dates (issue 17), without a date object for each.
DAY_NUMBER = {
    "postgresql": "COALESCE({} - DATE '0001-01-01' + 1, 0)",
    "sqlite": "COALESCE(CAST(julianday({}) - 1721424.5 AS INTEGER), 0)",  # julianday counts from noon
}


def day_number(column: str) -> str:
    """SQL for ``column``'s day number (DAY_NUMBER) on this database."""
    return DAY_NUMBER[connection.vendor].format(column)


class DayNumber(models.Func):
    """A date field's day number (DAY_NUMBER) in a query."""

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        template = DAY_NUMBER[connection.vendor].format("%(expressions)s")
        return super().as_sql(compiler, connection, template=template, **extra_context)


class _DateArithmetic(models.Func):
    """SQL arithmetic on a date (the first expression) by a whole number (the second): PostgreSQL and SQLite."""

    arity = 2
    output_field = models.DateField()

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
    """``sunshine.dates.add_months(day, number)`` in SQL: the day of the month falls back to the month's last
    (31 January + 1 month is 28 or 29 February), as PostgreSQL's own date arithmetic does; SQLite, which would run
    over into March, takes the earlier of that and the month's last day."""

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
