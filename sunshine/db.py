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
