"""Writing many rows fast: ``COPY ... FROM STDIN`` on PostgreSQL, ``bulk_create`` elsewhere (SQLite in tests).

An import of 10,000 persons writes about 230,000 records and as many audit entries. ``bulk_create`` spends
most of its time preparing each value of each row in Python (about 25 µs a row here); COPY with values
converted once per column type takes a fraction of that, and the server loads the rows in one stream
(docs/benchmarks.md, "Roster import"). Primary keys are drawn from the table's sequence first, so the objects
know their ids as ``bulk_create`` would have told them.
"""

import io
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

BATCH = 2000  # rows per INSERT where COPY is not available


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _converter(field: models.Field):
    """A function from a field's Python value to COPY's text format."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder or DjangoJSONEncoder
        return lambda value: r"\N" if value is None else _escape(json.dumps(value, cls=encoder, ensure_ascii=False))
    if isinstance(field, models.BooleanField):
        return lambda value: r"\N" if value is None else ("t" if value else "f")
    if isinstance(field, models.DateTimeField | models.DateField):
        return lambda value: r"\N" if value is None else value.isoformat()
    return lambda value: r"\N" if value is None else _escape(str(value))


def _copy(model: type[models.Model], fields: list[models.Field], rows: Iterable[list]) -> None:
    converters = [_converter(field) for field in fields]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(convert(value) for convert, value in zip(converters, row, strict=True)))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buffer
        )


def _new_ids(model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def insert_objects(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert new objects, setting their primary keys (and their foreign keys from related objects saved since)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    opts = model._meta
    fields = list(opts.concrete_fields)
    relations = [field for field in fields if field.many_to_one or field.one_to_one]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    now = timezone.now()
    for obj, pk in zip(objects, _new_ids(model, len(objects)), strict=True):
        obj.pk = pk
        for field in relations:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name} points at an unsaved object")
                    setattr(obj, field.attname, related.pk)
                    field.set_cached_value(obj, related)  # setting the id dropped the cached object
        for field in stamped:
            setattr(obj, field.attname, now)
    _copy(model, fields, ([getattr(obj, field.attname) for field in fields] for obj in objects))
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows given as tuples of ``columns`` (attnames; the other fields take their defaults), without
    building objects where COPY is available."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    opts = model._meta
    given = [opts.get_field(column) for column in columns]
    rest = [field for field in opts.concrete_fields if not field.primary_key and field not in given]
    defaults = tuple(field.get_default() for field in rest)
    ids = _new_ids(model, len(rows))
    _copy(model, [opts.pk, *given, *rest], ((id_, *row, *defaults) for id_, row in zip(ids, rows, strict=True)))
