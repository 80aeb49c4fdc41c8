"""The sheets of the roster workbook (DESIGN §6) and how each sheet's rows become records.

A sheet declares its columns (Chinese header, English alias, how the cell is read), the model its rows
become, the natural key that makes a re-import find the same record, the fields it compares, who may
create or change its records, and the rules that span several rows of one person. ``roster_import``
(``cases/roster/services.py``) drives them: read every row, check everything, then write in one
transaction or not at all.

Apps above ``cases`` add their sheets with ``register_sheet`` (placement adds 安置基地 and 就业), so this
module never imports them.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from sunshine.choices import Role

from ..choices import EndReason, FindingSource, MeasureKind, StatusKind, TestResult, TransferStatus
from ..models import DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from ..services.alerts import MISSED_TESTS_LIMIT
from ..services.measures import measure_validate
from .cells import parse_bool, parse_choice, parse_code, parse_date, parse_id_number, parse_text, spelling

IMPORTERS = frozenset({Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER})


@dataclass(frozen=True)
class Column:
    """A column: its Chinese header, its English alias, how a cell is read, and an example for the template."""

    header: str
    alias: str
    kind: str = "text"  # text | date | id | code | choice | bool
    required: bool = False
    max_length: int | None = None
    choices: dict[str, str] | None = None  # spelling (Chinese word or stored code) → stored value
    choice_code: str = "unknown_choice"
    future_ok: bool = False
    example: object = None  # a value, or a key of the template's sample (e.g. "id_number", "township")

    def read(self, value, *, today: dt.date):
        if self.kind == "date":
            return parse_date(value, today=today, future_ok=self.future_ok)
        if self.kind == "id":
            return parse_id_number(value)
        if self.kind == "code":
            return parse_code(value)
        if self.kind == "choice":
            return parse_choice(value, self.choices, code=self.choice_code)
        if self.kind == "bool":
            return parse_bool(value)
        value = parse_text(value, max_length=self.max_length)
        return value if value or not self.required else None


def choices(words: dict[str, str], stored: type[models.TextChoices]) -> dict[str, str]:
    """Accepted spellings: the Chinese words of the workbook format and the stored codes (English aliases)."""
    accepted = {spelling(word): value for word, value in words.items()}
    accepted.update({spelling(value): value for value in stored.values})
    # Keep the Chinese words first: error messages list them as what to write.
    return {**{word: value for word, value in accepted.items() if not word.isascii()}, **accepted}


@dataclass
class Row:
    """A record row: its number in the sheet, its read values by alias, and the aliases of the columns present."""

    number: int
    values: dict
    present: frozenset
    failed: bool = False  # a cell was refused: the row is not planned further


@dataclass
class Planned:
    """What one row will do: create a record, update one, or leave one unchanged."""

    sheet: "Sheet"
    row: Row
    instance: models.Model
    action: str  # create | update | unchanged
    changed: list[str] = field(default_factory=list)
    person: "PersonEntry | None" = None


@dataclass
class PersonEntry:
    """A person the file names: in the persons sheet and/or already in the database."""

    id_number: str
    instance: Person
    existing: bool
    editable: bool = True
    planned: Planned | None = None  # the persons-sheet row, if any
    broken: bool = False  # the persons row was refused


class Sheet:
    """One sheet of the workbook. Subclasses set the class attributes and override the hooks they need."""

    name = ""  # the sheet name in the workbook (Chinese)
    alias = ""  # English alias of the sheet name
    order = 100  # sheets are checked and written in this order (referenced sheets first)
    columns: tuple[Column, ...] = ()
    model: type[models.Model] | None = None
    writers: frozenset = IMPORTERS  # roles that may create or change this sheet's records
    field_columns: dict[str, str] = {}  # model field → column alias, where they differ
    note = ""  # explanation for the template's notes sheet

    def column(self, alias: str) -> Column:
        return next(column for column in self.columns if column.alias == alias)

    def column_of(self, field_name: str) -> str:
        """The column a model field's error belongs to (the sheet's first column when it has none)."""
        alias = self.field_columns.get(field_name, field_name)
        if any(column.alias == alias for column in self.columns):
            return alias
        return self.columns[1].alias if self.columns[0].kind == "id" else self.columns[0].alias

    def compared(self, row: Row) -> list[str]:
        """The model fields a row sets: those of the columns present in the sheet."""
        aliases = {alias: name for name, alias in self.field_columns.items()}
        return [aliases.get(alias, alias) for alias in row.present if alias != "id_number"]

    def not_permitted_message(self) -> str:
        return _("Your role may not record these; ask the county office.")

    def before_write(self, instance: models.Model, changed: list[str] | None) -> list[str]:
        """Set derived fields before a record is created (``changed`` None) or updated; return the extra fields
        an update must save."""
        return []


class RecordSheet(Sheet):
    """Rows about a person, who is named by ID number (身份证号) and must be in the file or the database."""

    key_fields: tuple[str, ...] = ()
    load_filter: dict = {}  # existing records this sheet matches against (e.g. accepted transfers only)

    def fields(self, row: Row, ctx) -> dict | None:
        """Model field values from the row's read values (None after ``ctx.error`` when they cannot be used)."""
        aliases = {alias: name for name, alias in self.field_columns.items()}
        return {aliases.get(alias, alias): row.values[alias] for alias in row.present if alias != "id_number"}

    def key(self, fields: dict) -> tuple:
        return tuple(fields.get(name) for name in self.key_fields)

    def index(self, existing: list[models.Model]) -> dict:
        """A person's recorded records by natural key (built once per person, not once per row)."""
        return {tuple(getattr(obj, name) for name in self.key_fields): obj for obj in existing}

    def match(self, existing: list[models.Model], fields: dict, index: dict) -> models.Model | None:
        """The recorded record a row stands for: the one with the same natural key."""
        return index.get(self.key(fields))

    def new(self, person: Person, fields: dict, ctx) -> models.Model:
        record = self.model(person=person, **fields)
        record.recorded_by = ctx.user
        return record

    def prepare(self, ctx, rows: list[Row]) -> None:
        """Load what the rows refer to (through the importer's scope) before they are planned."""

    def rules(self, ctx, entry: PersonEntry, planned: list[Planned], others: list[models.Model]) -> None:
        """Checks across one person's rows of this sheet; ``others`` are their records the file does not name."""


class KeyedSheet(Sheet):
    """Rows that are objects of their own, found again by a code (a placement base by its 基地编号)."""

    key_column = ""
    key_field = ""
    ref = ""  # name under which planned objects are offered to other sheets (``ctx.refs[ref][code]``)

    def existing(self, ctx, codes: list[str]) -> dict[str, models.Model]:
        raise NotImplementedError

    def fields(self, row: Row, ctx) -> dict | None:
        raise NotImplementedError

    def new(self, fields: dict, ctx) -> models.Model:
        return self.model(**fields)


SHEETS: dict[str, Sheet] = {}


def register_sheet(sheet_class: type[Sheet]) -> type[Sheet]:
    sheet = sheet_class()
    SHEETS[sheet.name] = sheet
    return sheet_class


def registered_sheets() -> list[Sheet]:
    return sorted(SHEETS.values(), key=lambda sheet: sheet.order)


def sheet_named(title: str) -> Sheet | None:
    """The sheet a workbook tab stands for, by its Chinese name or English alias."""
    wanted = spelling(title)
    return next((s for s in SHEETS.values() if wanted in (spelling(s.name), spelling(s.alias))), None)


ID_COLUMN = Column("身份证号", "id_number", "id", required=True, example="id_number")


def _max(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


@register_sheet
class PersonSheet(Sheet):
    """人员: one row per person, with the township that executes their measures today.

    Planned by ``roster_import`` itself: everything else refers to it.
    """

    name, alias, order = "人员", "persons", 0
    model = Person
    writers = frozenset(Person.scope.edit)
    field_columns = {"township": "township_code"}
    columns = (
        ID_COLUMN,
        Column("姓名", "name", required=True, max_length=_max(Person, "name"), example="张三"),
        Column("乡镇代码", "township_code", "code", required=True, example="township"),
        Column("查获日期", "registered_on", "date", required=True, example=dt.date(2010, 5, 1)),
        Column("首吸日期", "first_use_on", "date", example=dt.date(2008, 3, 1)),
        Column("毒品种类", "drug_types", max_length=_max(Person, "drug_types"), example="海洛因"),
        Column("户籍地址", "household_address", max_length=_max(Person, "household_address"), example="贵阳市南明区"),
        Column("现住址", "address", max_length=_max(Person, "address"), example="贵阳市南明区"),
        Column("联系电话", "phone", max_length=_max(Person, "phone"), example="13800000000"),
    )
    note = "每人一行；乡镇代码为现在执行措施的乡镇（9位代码）。身份证号请设为文本格式。"

    def compared(self, row: Row) -> list[str]:
        names = {"township_code": "township_id"}
        return [names.get(alias, alias) for alias in row.present if alias != "id_number"]

    def before_write(self, instance, changed):
        if changed is None:
            return []
        return ["updated_at", "name_initials"] if "name" in changed else ["updated_at"]


MEASURE_WORDS = {
    "社区戒毒": MeasureKind.COMMUNITY_DETOX,
    "社区康复": MeasureKind.COMMUNITY_REHAB,
    "强制隔离戒毒": MeasureKind.COMPULSORY_ISOLATION,
    "强制隔离": MeasureKind.COMPULSORY_ISOLATION,
    "自愿戒毒": MeasureKind.VOLUNTARY_DETOX,
    "美沙酮维持治疗": MeasureKind.METHADONE,
    "美沙酮": MeasureKind.METHADONE,
    "场所康复": MeasureKind.FACILITY_REHAB,
}
END_REASON_WORDS = {
    "期满解除": EndReason.COMPLETED,
    "提前解除": EndReason.EARLY_RELEASE,
    "期满释放": EndReason.RELEASED,
    "转强制隔离戒毒": EndReason.ESCALATED,
    "终止": EndReason.TERMINATED,
    "死亡": EndReason.DECEASED,
    "撤销": EndReason.WITHDRAWN,
    "其他": EndReason.OTHER,
}


@register_sheet
class MeasureSheet(RecordSheet):
    """措施: measures. The same measure is the one of that kind with that order date (or, without an order
    date, that start date). The county office records measure decisions, so only its officers create or change
    them by import. Every row passes ``measure_validate`` against the person's other measures, those of the
    file and those already recorded."""

    name, alias, order = "措施", "measures", 10
    model = Measure
    writers = frozenset({Role.COUNTY_OFFICER})
    columns = (
        ID_COLUMN,
        Column(
            "措施类型",
            "kind",
            "choice",
            required=True,
            choices=choices(MEASURE_WORDS, MeasureKind),
            choice_code="unknown_measure_kind",
            example="社区戒毒",
        ),
        Column("决定日期", "ordered_on", "date", example=dt.date(2011, 3, 1)),
        Column("报到日期", "reported_on", "date", example=dt.date(2011, 3, 10)),
        Column("开始日期", "started_on", "date", example=dt.date(2011, 3, 10)),
        Column("结束日期", "ended_on", "date"),
        Column("结束原因", "end_reason", "choice", choices=choices(END_REASON_WORDS, EndReason)),
    )
    note = (
        "措施类型：社区戒毒 / 社区康复 / 强制隔离戒毒 / 自愿戒毒 / 美沙酮维持治疗 / 场所康复。"
        "社区戒毒、社区康复从报到日期起算（开始日期可空）；强制隔离戒毒无报到日期。"
        "结束原因：" + " / ".join(END_REASON_WORDS) + "。"
    )

    def not_permitted_message(self) -> str:
        return _("Measure decisions are recorded by the county office.")

    def compared(self, row: Row) -> list[str]:
        fields = super().compared(row)
        return [*fields, "started_on"] if "reported_on" in fields and "started_on" not in fields else fields

    def fields(self, row: Row, ctx) -> dict | None:
        fields = super().fields(row, ctx)
        fields["end_reason"] = fields.get("end_reason") or ""
        kind, started_on = fields["kind"], fields.get("started_on")
        if kind in (MeasureKind.COMMUNITY_DETOX, MeasureKind.COMMUNITY_REHAB) and fields.get("reported_on"):
            if started_on and started_on != fields["reported_on"]:
                ctx.error(self, row, "started_on", "measure_rule",
                          _("Community detox and rehabilitation run from the report date; leave the start empty "
                            "or give the report date."))  # fmt: skip
                return None
            fields["started_on"] = fields["reported_on"]  # the CD/CR clock runs from the report date
        elif kind == MeasureKind.COMPULSORY_ISOLATION and not started_on and fields.get("ordered_on"):
            fields["started_on"] = fields["ordered_on"]  # compulsory isolation runs from its decision
        return fields

    def key(self, fields: dict) -> tuple:
        return fields["kind"], fields.get("ordered_on") or fields.get("started_on")

    def index(self, existing):
        return {}

    def match(self, existing, fields, index):
        kind, ordered_on, started_on = fields["kind"], fields.get("ordered_on"), fields.get("started_on")
        same_kind = [measure for measure in existing if measure.kind == kind]
        if ordered_on:
            found = next((measure for measure in same_kind if measure.ordered_on == ordered_on), None)
            if found:
                return found
        if started_on:
            return next((measure for measure in same_kind if measure.started_on == started_on), None)
        return None

    def rules(self, ctx, entry, planned, others):
        measures = [item.instance for item in planned] + others
        for item in planned:
            if item.action == "unchanged":
                continue
            try:
                rest = [measure for measure in measures if measure is not item.instance]
                measure_validate(item.instance, today=ctx.today, others=rest)
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    ctx.error(self, item.row, self.column_of(field_name), "measure_rule", messages[0])


@register_sheet
class UrineTestSheet(RecordSheet):
    """尿检: urine tests, one per person and day."""

    name, alias, order = "尿检", "urine_tests", 20
    model = UrineTest
    writers = frozenset(UrineTest.scope.edit)
    key_fields = ("tested_on",)
    columns = (
        ID_COLUMN,
        Column("检测日期", "tested_on", "date", required=True, example=dt.date(2011, 4, 10)),
        Column("结果", "result", "choice", required=True, example="阴性",
               choices=choices({"阴性": TestResult.NEGATIVE, "阳性": TestResult.POSITIVE, "逃避": TestResult.EVADED,
                                "拒绝": TestResult.REFUSED, "拒检": TestResult.REFUSED}, TestResult)),
    )  # fmt: skip
    note = "结果：阴性 / 阳性 / 逃避 / 拒绝。同一人同一天一条。"

    def rules(self, ctx, entry, planned, others):
        """Note the persons whose evaded or refused tests now reach the serious-breach count, for the alerts."""
        missed = [test for test in [item.instance for item in planned] + others if test.missed]
        new = any(item.action != "unchanged" and item.instance.missed for item in planned)
        if new and len(missed) >= MISSED_TESTS_LIMIT:
            ctx.breach_candidates.add(entry.id_number)


@register_sheet
class FindingSheet(RecordSheet):
    """复吸: drug-use findings, one per person and day (police and county office record them)."""

    name, alias, order = "复吸", "findings", 30
    model = DrugUseFinding
    writers = frozenset(DrugUseFinding.scope.edit)
    key_fields = ("found_on",)
    columns = (ID_COLUMN, Column("发现日期", "found_on", "date", required=True, example=dt.date(2012, 6, 1)))
    note = "发现复吸的日期。"

    def new(self, person, fields, ctx):
        finding = super().new(person, fields, ctx)
        finding.source = FindingSource.OTHER  # the ledger does not say who found it
        return finding


STATUS_WORDS = {
    "死亡": StatusKind.DECEASED,
    "出境": StatusKind.DEPARTED,
    "失控": StatusKind.LOST,
    "找回": StatusKind.FOUND,
    "拘留": StatusKind.DETAINED,
    "释放": StatusKind.RELEASED,
    "收监": StatusKind.IMPRISONED,
}


@register_sheet
class StatusSheet(RecordSheet):
    """状态: status events (deceased, left the country, lost, found...)."""

    name, alias, order = "状态", "status_events", 40
    model = StatusEvent
    writers = frozenset(StatusEvent.scope.edit)
    key_fields = ("kind", "occurred_on")
    field_columns = {"kind": "event", "occurred_on": "on"}
    columns = (
        ID_COLUMN,
        Column("事件", "event", "choice", required=True, choices=choices(STATUS_WORDS, StatusKind), example="失控"),
        Column("日期", "on", "date", required=True, example=dt.date(2013, 1, 5)),
    )
    note = "事件：死亡 / 出境 / 失控 / 找回（也可：拘留 / 释放 / 收监）。"


@register_sheet
class TransferSheet(RecordSheet):
    """调动: the history of transfers that led to the person's current township.

    Recorded as accepted transfers (their day is both the request and the hand-over). Each starts where the
    previous one ended and the last ends in the township of the persons sheet (or the person's township today).
    """

    name, alias, order = "调动", "transfers", 60
    model = Transfer
    writers = frozenset(Transfer.scope.edit)
    key_fields = ("effective_on",)
    load_filter = {"status": TransferStatus.ACCEPTED}
    field_columns = {"from_township_id": "from_code", "to_township_id": "to_code", "effective_on": "on"}
    columns = (
        ID_COLUMN,
        Column("原乡镇代码", "from_code", "code", required=True, example="township2"),
        Column("新乡镇代码", "to_code", "code", required=True, example="township"),
        Column("日期", "on", "date", required=True, example=dt.date(2009, 7, 1)),
    )
    note = "执行地变更的历史，按日期先后；每次从上一次的新乡镇出发，最后一次的新乡镇应为人员表中的乡镇。"

    def fields(self, row, ctx):
        fields = super().fields(row, ctx)
        ok = True
        for alias in ("from_code", "to_code"):
            if ctx.township(self, row, alias, row.values[alias], in_region=False) is None:
                ok = False
        if ok and fields["from_township_id"] == fields["to_township_id"]:
            ctx.error(self, row, "to_code", "transfer_chain", _("A transfer goes to another township."))
            ok = False
        return fields if ok else None

    def new(self, person, fields, ctx):
        return Transfer(
            person=person,
            from_township=ctx.townships[fields["from_township_id"]],
            to_township=ctx.townships[fields["to_township_id"]],
            requested_on=fields["effective_on"],
            effective_on=fields["effective_on"],
            status=TransferStatus.ACCEPTED,
            requested_by=ctx.user,
            decided_by=ctx.user,
        )

    def rules(self, ctx, entry, planned, others):
        rows = {id(item.instance): item for item in planned}
        chain = sorted(
            [item.instance for item in planned] + others, key=lambda t: (t.effective_on or t.requested_on, t.pk or 0)
        )
        for before, after in itertools.pairwise(chain):
            if after.from_township_id != before.to_township_id and id(after) in rows:
                ctx.error(self, rows[id(after)].row, "from_code", "transfer_chain",
                          _("The previous transfer (%(day)s) ended in %(code)s; this one must start there.")
                          % {"day": before.effective_on.isoformat(), "code": before.to_township_id})  # fmt: skip
        current = entry.instance.township_id
        if chain and current and chain[-1].to_township_id != current and id(chain[-1]) in rows:
            ctx.error(self, rows[id(chain[-1])].row, "to_code", "transfer_chain",
                      _("The last transfer must end in the person's current township %(code)s.")
                      % {"code": current})  # fmt: skip
