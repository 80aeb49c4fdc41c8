"""``seed_demo``: demo staff accounts and a synthetic population (demo/population.py), written in bulk. Demo only:
names, ID numbers and events are invented.

The rows are written without model saves (COPY on PostgreSQL, multi-row INSERT elsewhere), so django-auditlog
makes no audit entries for them; they are valid by construction (see demo/population.py) and the whole run is one
transaction. Idempotent: the persons are fixed by --seed and --persons; when all of them are already there the
run changes nothing, and when only some are (another demo population, or real records with the same ID numbers)
it refuses.
"""

import datetime as dt
import io
import queue
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import Counselling, DrugUseFinding, HelpGroupMember, Measure, Person, UrineTest, Visit
from cases.services.work_list import work_list_rebuild
from demo.population import DEMO_PASSWORD, STAFF, Geography, ensure_staff, generate, identities
from placement.models import FollowUp, Placement
from sunshine.choices import Role
from sunshine.db import analyze
from welfare.models import Benefit

# Records are stamped at 10:00 local time (UTC+8) on their own day, so the same seed gives the same rows.
STAMP_HOUR_UTC = 2
# The tables of 50,000 rows and more at province scale: their foreign keys are checked once, at the end.
BULK = (UrineTest, Visit, FollowUp, HelpGroupMember, Measure, Counselling, Placement, DrugUseFinding, Benefit)


class DatabaseSink:
    """Writes the generator's rows into the default database, inside the caller's transaction.

    Primary keys are reserved up front (PostgreSQL: from the table's sequence; elsewhere: after the current
    maximum) so that rows can refer to each other without reading anything back.

    On PostgreSQL the rows go in with COPY from a writer thread on the transaction's connection: the server
    ingests earlier batches while Python generates the next ones. Sequences are not transactional, so ids are
    reserved on a connection of their own and the main thread never waits for the busy one. The foreign keys of
    the ``bulk`` tables (millions of tests and visits) are dropped before their first batch and added back, as
    they were, at the end: adding a foreign key checks every row in one join, where COPY would check them one
    by one (pg_restore loads the same way). This happens inside the transaction, so the constraints hold when it
    commits, and a failed run leaves them as they were; meanwhile those tables are locked. The other tables'
    checks are made immediate so that they overlap with the generation too.

    Use as a context manager within ``transaction.atomic()``; leaving it waits for the last batch.
    """

    BACKLOG = 64  # batches queued for the writer at most (a few hundred MB at province scale)

    def __init__(self, bulk: tuple[type[models.Model], ...] = ()):
        self.postgres = connection.vendor == "postgresql"
        self.bulk = {model._meta.db_table for model in bulk}
        self.next_id: dict[str, int] = {}
        self.plans: dict[tuple, tuple] = {}
        self.memos: dict[str, Memo | None] = {}
        self.failure: BaseException | None = None
        self.dropped: list[tuple[str, str, str]] = []  # (table, constraint, definition)
        self.written: set[type[models.Model]] = set()  # whose statistics to refresh once committed

    def __enter__(self):
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # this transaction only
            self.sequences = connection.get_new_connection(connection.get_connection_params())
            self.sequences.autocommit = True
            self.batches: queue.Queue = queue.Queue(maxsize=self.BACKLOG)
            # the writer uses this thread's connection (Django's are per thread) and reports errors as Django's
            self.thread = threading.Thread(target=self._work, args=(connection.connection, connection), daemon=True)
            self.thread.start()
        return self

    def __exit__(self, kind, error, traceback):
        if self.postgres:
            if error is None:
                self.batches.put(self._add_foreign_keys)
            self.batches.put(None)
            self.thread.join()
            self.sequences.close()
            if self.failure is not None:  # the cause of whatever the main thread ran into after it
                raise self.failure from error

    def _work(self, raw, wrapper) -> None:
        """The writer thread (psycopg2 releases the interpreter lock while the server works). From here on the
        main thread leaves the transaction's connection alone."""
        with raw.cursor() as cursor:
            while (task := self.batches.get()) is not None:
                if self.failure is None:
                    try:
                        with wrapper.wrap_database_errors:
                            task(cursor)
                    except BaseException as failure:  # re-raised in the main thread
                        self.failure = failure

    def _drop_foreign_keys(self, table: str):
        def task(cursor):
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {_quoted(table)} DROP CONSTRAINT {_quoted(name)}")
                self.dropped.append((table, name, definition))

        return task

    def _add_foreign_keys(self, cursor) -> None:
        for table, name, definition in self.dropped:
            cursor.execute(f"ALTER TABLE {_quoted(table)} ADD CONSTRAINT {_quoted(name)} {definition}")

    def count_existing(self, id_numbers: list[str]) -> int:
        table = connection.ops.quote_name(Person._meta.db_table)
        found = 0
        with connection.cursor() as cursor:
            for start in range(0, len(id_numbers), 500):
                chunk = id_numbers[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE id_number IN ({marks})", chunk)  # noqa: S608
                found += cursor.fetchone()[0]
        return found

    def allocate(self, model: type[models.Model], count: int) -> list[int]:
        if not count:
            return []
        if self.failure is not None:
            raise self.failure
        table = model._meta.db_table
        if self.postgres:
            with self.sequences.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return sorted(row[0] for row in cursor.fetchall())
        with connection.cursor() as cursor:
            if table not in self.next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                self.next_id[table] = cursor.fetchone()[0] + 1
        first = self.next_id[table]
        self.next_id[table] += count
        return list(range(first, first + count))

    def write(self, model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
        """Convert column by column (each distinct value once, through a memo) and write."""
        self.written.add(model)
        columns, converters, defaults = self._plan(model, fields)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        values = [
            column if convert is None else list(map(convert.__getitem__, column))
            for convert, column in zip(converters, zip(*rows, strict=True), strict=True)
        ]
        if self.postgres:
            if self.failure is not None:
                raise self.failure
            tail = "".join("\t" + value for value in defaults) + "\n"
            text = tail.join(map("\t".join, zip(*values, strict=True))) + tail
            if model._meta.db_table in self.bulk:
                self.bulk.discard(model._meta.db_table)
                self.batches.put(self._drop_foreign_keys(model._meta.db_table))
            sql = f"COPY {table} ({names}) FROM STDIN"
            self.batches.put(lambda cursor: cursor.copy_expert(sql, io.StringIO(text), size=1 << 20))
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        params = [row + defaults for row in zip(*values, strict=True)]
        with connection.cursor() as cursor:
            for start in range(0, len(params), 5000):
                cursor.executemany(sql, params[start : start + 5000])

    def _plan(self, model, fields):
        """The columns written: ``fields`` and then every other column with its default; a converter per field."""
        key = (model, fields)
        if key not in self.plans:
            given = [model._meta.get_field(name) for name in fields]
            rest = [f for f in model._meta.concrete_fields if f.name not in fields and not f.primary_key]
            now = timezone.now()
            defaults = []
            for f in rest:
                auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                convert = self._converter(f)
                value = now if auto else f.get_default()
                defaults.append(value if convert is None else convert[value])
            self.plans[key] = ([f.column for f in given + rest], [self._converter(f) for f in given], tuple(defaults))
        return self.plans[key]

    def _converter(self, f: models.Field) -> "Memo | None":
        """Day ordinals become dates and timestamps; on PostgreSQL every value becomes COPY text. None: as is."""
        kind = f.get_internal_type()
        if kind not in self.memos:
            if kind == "DateField":
                convert = self._day
            elif kind == "DateTimeField":
                convert = self._stamp
            elif not self.postgres:
                convert = str if kind == "DecimalField" else None
            elif kind == "BooleanField":
                convert = {True: "t", False: "f"}.__getitem__
            elif kind in ("CharField", "TextField"):
                convert = _copy_text
            else:
                convert = str
            self.memos[kind] = None if convert is None else Memo(convert, "\\N" if self.postgres else None)
        return self.memos[kind]

    def _day(self, value) -> str:
        return (value if isinstance(value, dt.date) else dt.date.fromordinal(value)).isoformat()

    def _stamp(self, value) -> str:
        if isinstance(value, dt.datetime):
            return value.isoformat() if self.postgres else connection.ops.adapt_datetimefield_value(value)
        return f"{self._day(value)} {STAMP_HOUR_UTC:02d}:00:00" + ("+00" if self.postgres else "")


class Memo(dict):
    """value → its database form, computed once per distinct value (the rows repeat days, codes and ids a lot)."""

    def __init__(self, convert, null):
        super().__init__({None: null})
        self.convert = convert

    def __missing__(self, value):
        converted = self[value] = self.convert(value)
        return converted


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_text(value) -> str:
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Command(BaseCommand):
    help = (
        "Create demo staff accounts (every role, at sample regions) and a synthetic population over the real "
        "townships from 2008 to today, with its whole history. Idempotent for given --seed and --persons. Demo only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2011)
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="YYYY-MM-DD: the last day of the history (default: today)"
        )

    def handle(self, *args, persons: int, seed: int, today: dt.date | None, **options):
        today = today or timezone.localdate()
        if today > timezone.localdate() or today.year < 2016:
            raise CommandError("--today lies between 2016-01-01 and today.")
        if persons < 1:
            raise CommandError("--persons is at least 1.")
        began = self.began = time.perf_counter()
        try:
            geo = Geography.load()
        except ValueError as error:
            raise CommandError(str(error)) from None
        people = identities(geo, persons, seed)
        with transaction.atomic(), DatabaseSink(bulk=BULK) as sink:
            staff = ensure_staff()
            existing = sink.count_existing([person.id_number for person in people])
            if existing == len(people):
                self.stdout.write(
                    f"The demo population of seed {seed} ({persons:,} persons) is already here: nothing written."
                )
                counts = None
            elif existing:
                raise CommandError(
                    f"{existing:,} of the {persons:,} ID numbers of seed {seed} are already registered (a demo "
                    "population made with other arguments, or real records): nothing was written. Seed a fresh "
                    "database, or repeat the arguments used before."
                )
            else:
                counts = generate(
                    people=people, geo=geo, seed=seed, today=today, sink=sink, staff=staff, progress=self._progress
                )
                self._progress("all rows generated; waiting for the database to take the last of them")
        if counts:
            analyze(*sink.written)  # the planner's statistics of the tables just filled
            self._summary(counts, time.perf_counter() - began)
        # what the nightly task would have stored (the bulk load bypasses the writes that keep it)
        items = work_list_rebuild(timezone.localdate())
        self._progress(f"today's work list stored: {items:,} items")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}, demo only):")
        for username, (role, region, _department, full_name) in STAFF.items():
            self.stdout.write(f"  {username:22} {Role(role).label} {region or ''} {full_name}")

    def _progress(self, message: str) -> None:
        self.stdout.write(f"{time.perf_counter() - self.began:6.1f} s  {message}")
        self.stdout.flush()

    def _summary(self, counts, seconds: float) -> None:
        self.stdout.write(f"Written in {seconds:.1f} s:")
        for name, count in sorted(counts.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {name:18} {count:>12,}")
        self.stdout.write(f"  {'all rows':18} {sum(counts.values()):>12,}")
