"""``roster_import``: check a roster workbook completely, then write it in one transaction or not at all.

1. Read every sheet and every cell (``reader``, ``cells``); a refused cell is an error of its row.
2. Load what the rows name, in a few set-based queries: townships by code, persons by ID number (also those
   outside the importer's region, to refuse them by name instead of registering them twice), the existing
   records of the persons named, bases by code.
3. Plan every row against its natural key: create, update (the fields that differ) or unchanged. Check the
   rules that span rows (measure transitions, placement overlaps, the chain of transfers) on the person's
   records of the file and of the database together.
4. Any error: write nothing and report them all. A dry run stops here too.
5. Write in one ``transaction.atomic()``: creates with ``bulk_create`` and one audit entry per created
   record written in bulk (what django-auditlog writes for a single save, with the importer as actor);
   updates through ``save()``, which django-auditlog records with the changed fields. Every entry of one import
   carries the same correlation id (``cid``). The persons written are checked again against the importer's
   scope inside the transaction.

Natural keys: a person by ID number (18 characters after normalising), a base by its code, a measure by kind
and order date (or start date), a test by day, a finding by day, a status event by kind and day, a placement
by contract start, a transfer by day. Re-importing the same file finds every record unchanged and writes
nothing.

Raw managers are used here only to find persons by ID number (as ``person_register`` does) and the records of
persons the importer may edit; every scope decision goes through ``visible_to``/``editable_by``.
"""

import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from auditlog.cid import correlation_id
from auditlog.context import set_actor
from auditlog.diff import get_mask_function
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from sunshine.access import township_code_of
from sunshine.audit import registration_probe_record
from sunshine.choices import Level
from sunshine.db import analyze
from sunshine.models import AuditEntry, Region, User
from sunshine.pinyin import pinyin_initials
from sunshine.validators import not_before_birth

from ..id_numbers import birth_date_of, sex_of
from ..models import Person
from ..services.alerts import breach_alerts_refresh
from ..services.work_list import work_list_changed
from .bulk import insert_objects, insert_rows
from .cells import CellError, spelling
from .reader import RosterFileError, read_roster
from .sheets import (
    IMPORTERS,
    KeyedSheet,
    PersonEntry,
    PersonSheet,
    Planned,
    RecordSheet,
    Row,
    Sheet,
    registered_sheets,
    sheet_named,
)

CHUNK = 2000  # ids per IN (...) list
ERRORS_KEPT = 5000  # errors kept in a job's result (the command prints them all)
ACTIONS = ("create", "update", "unchanged")
# An import refreshes the planner's statistics (ANALYZE) only when it creates at least this many rows. A load that
# size can be most of a table: a county's first ledger (10,000 persons bring some 230,000 records) into tables the
# planner still takes for nearly empty is planned as such until autovacuum's next round (issue 17: nested loops over
# millions of rows). Below it a stale estimate costs little: any plan over a thousand rows is fast, and autovacuum
# analyzes a table by itself once 50 rows + 10% of it have changed. ANALYZE, whatever the import's size, reads a
# sample of up to 30,000 rows (300 x default_statistics_target) of every table it names, the audit log included:
# after each township's import of a few rows, at province scale, time spent for nothing.
BULK_LOAD_ROWS = 1_000


@dataclass(frozen=True)
class RowError:
    """A refused row: where (sheet, row number, column header), a stable code and the reason for the user."""

    sheet: str
    row: int
    column: str
    code: str
    message: str
    field: str = ""  # the column's English alias

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "field": self.field,
                "code": self.code, "message": self.message}  # fmt: skip


@dataclass
class RosterReport:
    """What an import found and did: counts per sheet and every refused row."""

    file_name: str
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    ignored_sheets: list[str] = field(default_factory=list)
    imported: bool = False
    cid: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> dict[str, int]:
        return {action: sum(count[action] for count in self.counts.values()) for action in ACTIONS}

    def as_dict(self, *, errors_kept: int | None = ERRORS_KEPT) -> dict:
        errors = self.errors if errors_kept is None else self.errors[:errors_kept]
        return {
            "file": self.file_name,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "counts": [{"sheet": sheet, **counts} for sheet, counts in self.counts.items()],
            "totals": self.totals(),
            "error_count": len(self.errors),
            "errors": [error.as_dict() for error in errors],
            "ignored_sheets": self.ignored_sheets,
            "cid": self.cid,
        }


class Meter:
    """Progress in three phases of the same length: reading the rows, checking them, writing them."""

    def __init__(self, progress: Callable[[int, int], None] | None, *, writing: bool):
        self.progress, self.phases, self.rows, self.done = progress, 3 if writing else 2, 0, 0

    def _report(self, done: int, total: int) -> None:
        if self.progress and total:
            self.progress(min(done, total), total)

    def reading(self, read: int, estimate: int | None) -> None:
        self._report(read, max(estimate or 0, read) * self.phases)

    def start_checking(self, rows: int) -> None:
        self.rows, self.done = max(rows, 1), 0
        self._report(self.rows, self.rows * self.phases)

    def tick(self, rows: int = 1) -> None:
        """One more row checked (or written); reported every thousand."""
        before, self.done = self.done, self.done + rows
        if self.done // 1000 != before // 1000:
            self._report(self.rows + min(self.done, self.rows * (self.phases - 1)), self.rows * self.phases)

    def finish(self) -> None:
        self._report(self.rows * self.phases, self.rows * self.phases)


class Context:
    """What the sheets share while a file is checked: the importer, today, townships, persons, references."""

    def __init__(self, *, user: User, report: RosterReport, today: dt.date):
        self.user, self.report, self.today = user, report, today
        self.townships: dict[str, Region] = {}
        self.persons: dict[str, PersonEntry] = {}
        self.db_persons: dict[str, Person] = {}
        self.editable: set[int] = set()
        self.refs: dict[str, dict[str, models.Model]] = defaultdict(dict)
        self.breach_candidates: set[str] = set()  # ID numbers whose new missed tests may reach a breach
        self.registered_elsewhere: set[str] = set()  # reported as one count, never row by row (issue 12)
        self.sealed: set[str] = set()  # ID numbers of sealed files in the importer's region (DESIGN §3b)

    def error(self, sheet: Sheet, row: Row | int, alias: str, code: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        header = next((column.header for column in sheet.columns if column.alias == alias), alias)
        self.report.errors.append(RowError(sheet.name, number, header, code, str(message), alias))
        if isinstance(row, Row):
            row.failed = True

    def township(self, sheet: Sheet, row: Row, alias: str, code: str, *, in_region: bool = True) -> Region | None:
        """The township of that code; refused when there is none, or (``in_region``) outside the importer's region."""
        region = self.townships.get(code)
        if region is None:
            self.error(sheet, row, alias, "unknown_township", _("No township has the code %(code)s.") % {"code": code})
            return None
        if in_region and not self.user.reaches(code):
            self.error(sheet, row, alias, "out_of_region", _("This township is outside your region."))
            return None
        return region

    def elsewhere(self, sheet: Sheet, row: Row) -> None:
        """A row names a person outside the importer's reach. A sealed file of their region is refused on its row,
        showing nothing; any other is counted, not listed row by row: which numbers exist elsewhere is what a
        prober wants, so the file gets one count (``elsewhere_error``, issue 12)."""
        id_number = row.values.get("id_number")
        if id_number in self.sealed:  # a sealed file of the importer's region: refused, nothing of it shown (§3b)
            self.error(sheet, row, "id_number", "sealed",
                       _("This person's file is sealed by law; a lawful query is needed."))  # fmt: skip
            return
        self.registered_elsewhere.add(id_number)
        row.failed = True

    def elsewhere_error(self) -> None:
        count = len(self.registered_elsewhere)
        if count:
            message = ngettext(
                "%(count)d person of this file is already registered elsewhere; ask the county office.",
                "%(count)d persons of this file are already registered elsewhere; ask the county office.",
                count,
            ) % {"count": count}
            self.report.errors.append(RowError("", 0, "", "registered_elsewhere", message, "id_number"))

    def person_for(self, sheet: Sheet, row: Row) -> PersonEntry | None:
        """The person a record row names: from the persons sheet, else registered and editable by the importer."""
        id_number = row.values["id_number"]
        entry = self.persons.get(id_number)
        if entry is None:
            existing = self.db_persons.get(id_number)
            if existing is None:
                self.error(sheet, row, "id_number", "unknown_person",
                           _("This person is neither in the persons sheet nor registered."))  # fmt: skip
                return None
            entry = PersonEntry(id_number, existing, existing=True, editable=existing.pk in self.editable)
            self.persons[id_number] = entry
        if not entry.editable:
            self.elsewhere(sheet, row)
            return None
        return entry


def _chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _editable(model: type[models.Model], user: User, pks: Iterable) -> set:
    """The pks among ``pks`` whose records ``user`` may change (through ``editable_by``), a chunk at a time."""
    editable = set()
    for chunk in _chunks(pks):
        editable.update(model.objects.editable_by(user).filter(pk__in=chunk).values_list("pk", flat=True))
    return editable


def _differs(instance: models.Model, name: str, value) -> bool:
    """Whether setting ``name`` to ``value`` changes the record (relations compared by key, without a query)."""
    model_field = instance._meta.get_field(name)
    if model_field.many_to_one:
        new = value.pk if isinstance(value, models.Model) else value
        if isinstance(value, models.Model) and new is None:
            return True  # an object of the same file, not written yet
        return getattr(instance, model_field.attname) != new
    return getattr(instance, name) != value


# 1. Reading ---------------------------------------------------------------------------------------------------


def _header_columns(sheet: Sheet, headers: list, ctx: Context) -> dict[int, str] | None:
    """Column index → alias, from the header row (Chinese header or English alias, any case, an optional *)."""
    by_spelling = {}
    for column in sheet.columns:
        by_spelling[spelling(column.header)] = column.alias
        by_spelling[spelling(column.alias)] = column.alias
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        if header is None:
            continue
        alias = by_spelling.get(spelling(header).rstrip("*"))
        if alias is None:
            continue  # other columns (notes...) are left alone
        if alias in found.values():
            ctx.error(sheet, 1, alias, "duplicate_column", _("This column appears twice."))
            return None
        found[index] = alias
    missing = [column for column in sheet.columns if column.required and column.alias not in found.values()]
    for column in missing:
        ctx.error(sheet, 1, column.alias, "missing_column", _("This column is missing."))
    return None if missing else found


def _rows(sheet: Sheet, raw_rows: list, columns: dict[int, str], ctx: Context) -> list[Row]:
    present = frozenset(columns.values())
    specs = [(index, sheet.column(alias)) for index, alias in columns.items()]
    rows = []
    for number, cells in raw_rows:
        row = Row(number=number, values={}, present=present)
        for index, column in specs:
            value = cells[index] if index < len(cells) else None
            try:
                read = column.read(value, today=ctx.today)
            except CellError as error:
                ctx.error(sheet, row, column.alias, error.code, error.message)
                continue
            if read is None and column.required:
                ctx.error(sheet, row, column.alias, "required", _("This cell is required."))
            row.values[column.alias] = read
        rows.append(row)
    return rows


def _tables(content: bytes, file_name: str, ctx: Context, meter: Meter) -> list[tuple[Sheet, list[Row]]]:
    report = ctx.report
    try:
        raw_sheets = read_roster(content, file_name, csv_title=PersonSheet.name, progress=meter.reading)
    except RosterFileError as error:
        report.errors.append(RowError("", 0, "", "bad_file", str(error)))
        return []
    tables: dict[str, tuple[Sheet, list[Row]]] = {}
    for raw in raw_sheets:
        sheet = sheet_named(raw.title)
        if sheet is None:
            report.ignored_sheets.append(raw.title)
            continue
        if sheet.name in tables:
            ctx.error(sheet, 1, "", "duplicate_sheet", _("The workbook has this sheet twice."))
            continue
        columns = _header_columns(sheet, raw.headers, ctx)
        tables[sheet.name] = (sheet, _rows(sheet, raw.rows, columns, ctx) if columns is not None else [])
    if not tables and not report.errors:
        report.errors.append(RowError("", 0, "", "no_sheet", _("The file has none of the roster's sheets.")))
    return sorted(tables.values(), key=lambda table: table[0].order)


# 2. Loading what the rows name ---------------------------------------------------------------------------------


def _load(ctx: Context, tables: list[tuple[Sheet, list[Row]]]) -> None:
    codes, id_numbers = set(), set()
    for sheet, rows in tables:
        kinds = {column.alias: column.kind for column in sheet.columns}
        for row in rows:
            for alias, value in row.values.items():
                if value is None:
                    continue
                if kinds[alias] == "code":
                    codes.add(value)
                elif kinds[alias] == "id":
                    id_numbers.add(value)
    for chunk in _chunks(codes):
        ctx.townships.update((r.code, r) for r in Region.objects.filter(code__in=chunk, level=Level.TOWNSHIP))
    for chunk in _chunks(id_numbers):
        ctx.db_persons.update((p.id_number, p) for p in Person.objects.filter(id_number__in=chunk))
    ctx.editable = _editable(Person, ctx.user, (person.pk for person in ctx.db_persons.values()))
    sealed = [person.pk for person in ctx.db_persons.values() if person.sealed]
    for chunk in _chunks(sealed):
        ctx.sealed.update(Person.objects.sealed_from(ctx.user).filter(pk__in=chunk).values_list("id_number", flat=True))


# 3. Planning ---------------------------------------------------------------------------------------------------


def _plan(sheet: Sheet, row: Row, instance, existing: bool, fields: dict, ctx: Context) -> Planned:
    """Create, or update the fields that differ, or nothing; refuse changes the importer's role may not make."""
    if not existing:
        planned = Planned(sheet, row, instance, "create")
    else:
        changed = [name for name in sheet.compared(row) if name in fields and _differs(instance, name, fields[name])]
        for name in changed:
            setattr(instance, name, fields[name])
        planned = Planned(sheet, row, instance, "update" if changed else "unchanged", changed)
    if planned.action != "unchanged" and ctx.user.role not in sheet.writers:
        ctx.error(sheet, row, sheet.columns[0].alias, "not_permitted", sheet.not_permitted_message())
    return planned


def _before_birth(sheet: Sheet, row: Row, fields: dict, born: dt.date | None, ctx: Context) -> None:
    if born is None:
        return
    for name, value in fields.items():
        if isinstance(value, dt.date):
            try:
                not_before_birth(value, born)
            except ValidationError as error:
                ctx.error(sheet, row, sheet.column_of(name), error.code, error.messages[0])
                return


def _plan_persons(sheet: Sheet, rows: list[Row], ctx: Context, meter: Meter) -> list[Planned]:
    plans, seen = [], {}
    for row in rows:
        meter.tick()
        id_number = row.values.get("id_number")
        if id_number is None:
            continue  # its ID cell was refused
        if id_number in seen:
            ctx.error(sheet, row, "id_number", "duplicate_row",
                      _("This person is already on row %(row)d.") % {"row": seen[id_number]})  # fmt: skip
            continue
        seen[id_number] = row.number
        existing = ctx.db_persons.get(id_number)
        if existing is not None and existing.pk not in ctx.editable:
            ctx.elsewhere(sheet, row)
            ctx.persons[id_number] = PersonEntry(id_number, existing, existing=True, editable=False, broken=True)
            continue
        born = birth_date_of(id_number)
        instance = existing or Person(id_number=id_number, birth_date=born, sex=sex_of(id_number))
        entry = PersonEntry(id_number, instance, existing=existing is not None, broken=True)
        ctx.persons[id_number] = entry
        if row.failed:
            continue
        fields = {alias: row.values[alias] for alias in row.present if alias not in ("id_number", "township_code")}
        if ctx.township(sheet, row, "township_code", row.values["township_code"]) is not None:
            fields["township_id"] = row.values["township_code"]
        _before_birth(sheet, row, fields, born, ctx)
        if fields.get("first_use_on") and fields["first_use_on"] > fields["registered_on"]:
            ctx.error(sheet, row, "first_use_on", "date_order",
                      _("The first use cannot come after the date first found."))  # fmt: skip
        if row.failed:
            continue
        if existing is None:
            for name, value in fields.items():
                setattr(instance, name, value)
            instance.name_initials = pinyin_initials(instance.name)
        planned = _plan(sheet, row, instance, existing is not None, fields, ctx)
        if "name" in planned.changed:
            instance.name_initials = pinyin_initials(instance.name)
        entry.planned, entry.broken = planned, row.failed
        plans.append(planned)
    return plans


def _plan_keyed(sheet: KeyedSheet, rows: list[Row], ctx: Context, meter: Meter) -> list[Planned]:
    codes = [row.values[sheet.key_column] for row in rows if row.values.get(sheet.key_column)]
    existing = sheet.existing(ctx, codes)  # what the importer sees (a base: every one, bases are public)
    editable = _editable(sheet.model, ctx.user, (instance.pk for instance in existing.values()))
    plans, seen = [], {}
    for row in rows:
        meter.tick()
        code = row.values.get(sheet.key_column)
        if code is None:
            continue
        if code in seen:
            ctx.error(sheet, row, sheet.key_column, "duplicate_row",
                      _("The same record is already on row %(row)d.") % {"row": seen[code]})  # fmt: skip
            continue
        seen[code] = row.number
        if row.failed:
            continue
        fields = sheet.fields(row, ctx)
        if fields is None or row.failed:
            continue
        found = existing.get(code)
        instance = found or sheet.new(fields, ctx)
        planned = _plan(sheet, row, instance, found is not None, fields, ctx)
        if planned.action == "update" and found.pk not in editable:
            ctx.error(sheet, row, sheet.key_column, "out_of_region", _("This record belongs to another region."))
        ctx.refs[sheet.ref][code] = instance
        plans.append(planned)
    return plans


def _plan_records(sheet: RecordSheet, rows: list[Row], ctx: Context, meter: Meter) -> list[Planned]:
    sheet.prepare(ctx, rows)
    named = [(row, ctx.person_for(sheet, row)) for row in rows if row.values.get("id_number")]
    named = [(row, entry) for row, entry in named if entry is not None]
    existing = defaultdict(list)
    person_ids = {entry.instance.pk for _row, entry in named if entry.existing}
    for chunk in _chunks(person_ids):
        for record in sheet.model._default_manager.filter(person_id__in=chunk, **sheet.load_filter):
            existing[record.person_id].append(record)
    plans: dict[str, list[Planned]] = defaultdict(list)
    seen, matched, indexes = {}, {}, {}
    for row, entry in named:
        meter.tick()
        if row.failed:
            continue
        fields = sheet.fields(row, ctx)
        if fields is None or row.failed:
            continue
        key = (entry.id_number, sheet.key(fields))
        found = None
        if entry.existing:
            pk = entry.instance.pk
            if pk not in indexes:
                indexes[pk] = sheet.index(existing[pk])
            found = sheet.match(existing[pk], fields, indexes[pk])
        first = seen.get(key) or (matched.get(id(found)) if found is not None else None)
        if first:
            ctx.error(sheet, row, sheet.column_of(sheet.key_fields[0] if sheet.key_fields else ""), "duplicate_row",
                      _("The same record is already on row %(row)d.") % {"row": first})  # fmt: skip
            continue
        seen[key] = row.number
        if found is not None:
            matched[id(found)] = row.number
        _before_birth(sheet, row, fields, entry.instance.birth_date, ctx)
        if row.failed:
            continue
        instance = found if found is not None else sheet.new(entry.instance, fields, ctx)
        planned = _plan(sheet, row, instance, found is not None, fields, ctx)
        planned.person = entry
        plans[entry.id_number].append(planned)
    for id_number, planned in plans.items():
        entry = ctx.persons[id_number]
        others = [record for record in existing.get(entry.instance.pk, []) if id(record) not in matched]
        sheet.rules(ctx, entry, planned, others)
    return [item for items in plans.values() for item in items]


# 5. Writing ----------------------------------------------------------------------------------------------------


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple:
    """(name, attname, mask function or None, is a datetime) of the fields django-auditlog records for ``model``."""
    options = auditlog.get_model_fields(model)
    mask = get_mask_function(options.get("mask_callable"))
    return tuple(
        (field.name, field.attname, mask if field.name in options["mask_fields"] else None,
         isinstance(field, models.DateTimeField))
        for field in model._meta.concrete_fields
        if (not options["include_fields"] or field.name in options["include_fields"])
        and field.name not in options["exclude_fields"]
    )  # fmt: skip


def created_changes(record: models.Model) -> dict:
    """The changes django-auditlog records when ``record`` is created (its fields as text, from "None"; masked
    fields masked), computed for a whole import without auditlog's per-field machinery."""
    changes = {}
    for name, attname, mask, is_datetime in _audited_fields(type(record)):
        value = getattr(record, attname)
        if value is None:
            continue
        if is_datetime and timezone.is_aware(value):
            value = timezone.make_naive(value, dt.UTC)
        text = str(value)
        changes[name] = [mask("None"), mask(text)] if mask else ["None", text]
    return changes


@functools.cache
def _choice_labels(model: type[models.Model], language: str | None) -> tuple:
    return tuple(
        (f"get_{field.name}_display", field.attname, {value: str(label) for value, label in field.flatchoices})
        for field in model._meta.concrete_fields
        if field.choices
    )


def object_repr(record: models.Model) -> str:
    """``str(record)``, as django-auditlog stores it, with each choice label translated once per import.

    Django rebuilds and re-translates a field's choices on every ``get_FOO_display()`` call; for the 200,000
    tests of a county ledger that was most of the time spent writing their audit entries. The record's display
    methods are shadowed by lookups in labels computed once, for the duration of the call.
    """
    shadowed = []
    for method, attname, labels in _choice_labels(type(record), get_language()):
        value = getattr(record, attname)
        record.__dict__[method] = lambda labels=labels, value=value: labels.get(value, value)
        shadowed.append(method)
    try:
        return str(record)
    finally:
        for method in shadowed:
            del record.__dict__[method]


AUDIT_COLUMNS = ("content_type_id", "object_pk", "object_id", "object_repr", "action", "event", "changes",
                 "actor_id", "actor_email", "cid", "region_id", "additional_data", "timestamp")  # fmt: skip


def _audit_creates(created: list[Planned], *, user: User, cid: str, file_name: str) -> None:
    """Audit entries for the created records, in bulk (bulk inserts send django-auditlog no signal).

    A person registered by the import gets one entry: their creation, with the person's fields as
    django-auditlog records them and the ids of every record created with them (``additional_data.records``,
    by model label). A county ledger's 10,000 persons bring some 230,000 records; an entry for each would be
    most of the import's time (the audit table has 13 indexes) and would bury the log. Every other created
    record (a test added to a person already registered, a base) gets its own entry, as a form's save would.
    """
    detail, now, email = {"source": "import_roster", "file": file_name}, timezone.now(), user.email or None
    create, event = AuditEntry.Action.CREATE, AuditEntry.Event.CREATE
    with_person: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    new_persons, content_types, rows = [], {}, []

    def content_type(model):
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model).pk if auditlog.contains(model) else None
        return content_types[model]

    def entry(record, data):
        return (content_type(type(record)), str(record.pk), record.pk, object_repr(record), create, event,
                created_changes(record), user.pk, email, cid, township_code_of(record), data, now)  # fmt: skip

    for item in created:
        record, owner = item.instance, item.person
        if isinstance(record, Person):
            new_persons.append(record)
        elif owner is not None and not owner.existing:
            with_person[owner.id_number][record._meta.label_lower].append(record.pk)
        elif content_type(type(record)) is not None:
            rows.append(entry(record, detail))
    for person in new_persons:
        records = {label: ids for label, ids in with_person[person.id_number].items()}
        rows.append(entry(person, {**detail, "records": records}))
    insert_rows(AuditEntry, AUDIT_COLUMNS, rows)


def _write(plans: dict[Sheet, list[Planned]], ctx: Context, meter: Meter, file_name: str) -> str:
    user, cid = ctx.user, f"roster-{uuid.uuid4().hex}"
    token = correlation_id.set(cid)  # every audit entry of this import carries it
    try:
        with transaction.atomic(), set_actor(user):
            created = []
            for sheet, planned in plans.items():
                creates = [item.instance for item in planned if item.action == "create"]
                for instance in creates:
                    sheet.before_write(instance, None)
                insert_objects(sheet.model, creates)
                created.extend(item for item in planned if item.action == "create")
                meter.tick(len(creates))
                for item in planned:
                    if item.action == "update":
                        extra = sheet.before_write(item.instance, item.changed)
                        item.instance.save(update_fields=[*item.changed, *extra])
                        meter.tick()
            _audit_creates(created, user=user, cid=cid, file_name=file_name)
            # checked twice: everyone and every keyed record (a base) written is still within the importer's reach
            written = {Person: {entry.instance.pk for entry in ctx.persons.values() if entry.planned}}
            for sheet, planned in plans.items():
                if isinstance(sheet, KeyedSheet):
                    written[sheet.model] = {item.instance.pk for item in planned if item.action != "unchanged"}
            if any(_editable(model, user, pks) != pks for model, pks in written.items()):
                raise PermissionDenied
            for id_number in sorted(ctx.breach_candidates):  # evaded or refused tests count towards a breach
                breach_alerts_refresh(person=ctx.persons[id_number].instance, today=ctx.today)
            # the bulk load bypasses save(): the stored work list hears of its persons here
            work_list_changed(entry.instance.pk for entry in ctx.persons.values())
    finally:
        correlation_id.reset(token)
    return cid


# The service ---------------------------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Township workers and county officers import rosters for their own region."""
    return getattr(user, "is_authenticated", False) and user.role in IMPORTERS and bool(user.region_id)


def roster_import(
    *,
    user: User,
    content: bytes,
    file_name: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> RosterReport:
    """Check a roster file and, unless ``dry_run`` or a row is refused, import all of it (DESIGN §6).

    Returns the report: rows to create, update or leave unchanged per sheet, and every refused row with its
    sheet, row number, column, code and reason. Nothing is written when any row is refused.
    """
    if not may_import(user):
        raise PermissionDenied
    report = RosterReport(file_name=file_name, dry_run=dry_run)
    ctx = Context(user=user, report=report, today=today or dt.date.today())
    meter = Meter(progress, writing=not dry_run)
    tables = _tables(content, file_name, ctx, meter)
    meter.start_checking(sum(len(rows) for _sheet, rows in tables))
    _load(ctx, tables)
    plans: dict[Sheet, list[Planned]] = {}
    for sheet, rows in tables:
        if isinstance(sheet, PersonSheet):
            plans[sheet] = _plan_persons(sheet, rows, ctx, meter)
        elif isinstance(sheet, KeyedSheet):
            plans[sheet] = _plan_keyed(sheet, rows, ctx, meter)
        else:
            plans[sheet] = _plan_records(sheet, rows, ctx, meter)
    for sheet, planned in plans.items():
        report.counts[sheet.name] = {action: sum(item.action == action for item in planned) for action in ACTIONS}
    ctx.elsewhere_error()
    report.errors.sort(key=lambda error: (_sheet_order(error.sheet), error.row))
    if ctx.registered_elsewhere:
        registration_probe_record(user=user, elsewhere=len(ctx.registered_elsewhere), source="roster")
    if report.errors or dry_run:
        meter.finish()
        return report
    report.cid = _write(plans, ctx, meter, file_name)
    if report.totals()["create"] >= BULK_LOAD_ROWS:  # a bulk load: the tables it added rows to, and their audit
        analyze(AuditEntry, *(sheet.model for sheet, planned in plans.items() if report.counts[sheet.name]["create"]))
    report.imported = True
    meter.finish()
    return report


def _sheet_order(name: str) -> int:
    sheet = sheet_named(name) if name else None
    return sheet.order if sheet else -1


__all__ = ["RecordSheet", "RosterReport", "RowError", "may_import", "registered_sheets", "roster_import"]
