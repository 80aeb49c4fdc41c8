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


class DayNumber(models.Func):
    """A date column as the day number Python gives it (``date.toordinal()``: 0001-01-01 is 1), and 0 for NULL:
    dates read as plain integers, for arrays of many dates (issue 17), without a date object for each."""

    template = "COALESCE(%(expressions)s - DATE '0001-01-01' + 1, 0)"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # julianday() counts from noon: 0001-01-01 is day 1721425.5
        template = "COALESCE(CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER), 0)"
        return self.as_sql(compiler, connection, template=template, **extra_context)
