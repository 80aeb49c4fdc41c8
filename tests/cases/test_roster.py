"""Roster import (issue #7, DESIGN §6): every sheet, all or nothing, idempotent, audited, scoped.

Tests assert on the structure of the report (sheet, row, column header, code) and on the database, never on the
wording of a message (translations come later).
"""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases.models import Alert, DrugUseFinding, Measure, Person, StatusEvent, Transfer, UrineTest
from cases.roster import services
from cases.roster.services import roster_import
from cases.roster.sheets import registered_sheets
from placement.models import Placement, PlacementBase
from sunshine.models import AuditEntry, Job

from ..factories import MeasureFactory, PersonFactory, make_id_number

pytestmark = pytest.mark.django_db

# The format of DESIGN §6, written out here so that a drift of the code from the contract fails a test.
HEADERS = {
    "人员": ["身份证号", "姓名", "乡镇代码", "查获日期", "首吸日期", "毒品种类", "户籍地址", "现住址", "联系电话"],
    "措施": ["身份证号", "措施类型", "决定日期", "报到日期", "开始日期", "结束日期", "结束原因"],
    "尿检": ["身份证号", "检测日期", "结果"],
    "复吸": ["身份证号", "发现日期"],
    "状态": ["身份证号", "事件", "日期"],
    "安置基地": ["基地编号", "名称", "乡镇代码", "开办日期"],
    "就业": ["身份证号", "安置方式", "基地编号", "合同开始", "合同结束", "社保"],
    "调动": ["身份证号", "原乡镇代码", "新乡镇代码", "日期"],
}
ALIASES = {
    "人员": ["id_number", "name", "township_code", "registered_on", "first_use_on", "drug_types",
             "household_address", "address", "phone"],
    "措施": ["id_number", "kind", "ordered_on", "reported_on", "started_on", "ended_on", "end_reason"],
    "尿检": ["id_number", "tested_on", "result"],
    "复吸": ["id_number", "found_on"],
    "状态": ["id_number", "event", "on"],
    "安置基地": ["base_code", "name", "township_code", "opened_on"],
    "就业": ["id_number", "mode", "base_code", "contract_start", "contract_end", "social_insurance"],
    "调动": ["id_number", "from_code", "to_code", "on"],
}  # fmt: skip
ID1 = make_id_number(1, born=dt.date(1990, 1, 1))  # 张三, township A
ID2 = make_id_number(2, born=dt.date(1991, 2, 2))  # 李四, township B, came from A
D = dt.date


def workbook(sheets: dict[str, list[list]], headers: dict[str, list] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        ws.append((headers or HEADERS)[name])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster(a: str, b: str) -> dict[str, list[list]]:
    """A hand-built roster of two persons of county 520102 with a record in every sheet (townships a and b).

    Dates are mixed: date cells and YYYY-MM-DD text, as ledgers come.
    """
    return {
        "人员": [
            [ID1, "张三", a, D(2010, 5, 1), "2008-03-01", "海洛因", "南明区甲路1号", "南明区乙路2号", "13800000001"],
            [ID2, "李四", int(b), "2009-01-10", None, "冰毒", None, None, 13800000002],
        ],
        "措施": [
            [ID1, "社区戒毒", D(2011, 3, 1), D(2011, 3, 10), None, None, None],
            [ID2, "强制隔离戒毒", "2009-02-01", None, None, "2011-02-01", "期满释放"],
            [ID2, "社区康复", "2011-02-05", "2011-02-10", None, None, None],
        ],
        "尿检": [[ID1, D(2011, 4, 10), "阴性"], [ID1, "2011-05-10", "阳性"], [ID2, D(2011, 3, 10), "逃避"]],
        "复吸": [[ID1, D(2011, 5, 10)]],
        "状态": [[ID2, "失控", D(2012, 1, 5)], [ID2, "找回", "2012-02-01"]],
        "安置基地": [["JD-1", "南明示范基地", a, D(2010, 1, 1)]],
        "就业": [
            [ID1, "集中", "JD-1", D(2012, 1, 1), D(2013, 12, 31), "是"],
            [ID2, "分散", None, D(2012, 3, 1), D(2012, 8, 31), "否"],
        ],
        "调动": [[ID2, a, b, D(2008, 12, 1)]],
    }  # fmt: skip


def run(user, sheets=None, *, content=None, dry_run=False, name="roster.xlsx", **kwargs):
    return roster_import(user=user, content=content or workbook(sheets), file_name=name, dry_run=dry_run, **kwargs)


def where(report) -> set[tuple]:
    return {(e.sheet, e.row, e.column, e.code) for e in report.errors}


def snapshot() -> dict:
    """Row counts of every table an import writes."""
    models = (Person, Measure, UrineTest, DrugUseFinding, StatusEvent, Transfer, PlacementBase, Placement, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def good(township_a, township_b):
    return roster(township_a.code, township_b.code)


# The format -------------------------------------------------------------------------------------------------


def test_the_sheets_and_columns_are_those_of_the_design():
    sheets = {sheet.name: sheet for sheet in registered_sheets()}
    assert list(sheets) == ["人员", "安置基地", "措施", "尿检", "复吸", "状态", "就业", "调动"]
    for name, headers in HEADERS.items():
        assert [column.header for column in sheets[name].columns] == headers
        assert [column.alias for column in sheets[name].columns] == ALIASES[name]


# The happy path ---------------------------------------------------------------------------------------------


def test_it_imports_a_hand_built_workbook_and_records_every_field(county_officer, good, township_a, township_b):
    report = run(county_officer, good)
    assert report.errors == [] and report.imported
    assert report.counts["人员"] == {"create": 2, "update": 0, "unchanged": 0}
    assert report.totals() == {"create": 15, "update": 0, "unchanged": 0}

    zhang, li = Person.objects.get(id_number=ID1), Person.objects.get(id_number=ID2)
    assert (zhang.name, zhang.township_id, zhang.registered_on, zhang.first_use_on) == (
        "张三", township_a.code, D(2010, 5, 1), D(2008, 3, 1))  # fmt: skip
    assert (zhang.drug_types, zhang.household_address, zhang.address, zhang.phone) == (
        "海洛因", "南明区甲路1号", "南明区乙路2号", "13800000001")  # fmt: skip
    assert (zhang.birth_date, zhang.sex, zhang.name_initials) == (D(1990, 1, 1), "M", "zs")
    assert (li.township_id, li.registered_on, li.first_use_on, li.phone) == (township_b.code, D(2009, 1, 10), None,
                                                                            "13800000002")  # fmt: skip

    cd = Measure.objects.get(person=zhang)
    assert (cd.kind, cd.ordered_on, cd.reported_on, cd.started_on, cd.ended_on) == (
        "community_detox", D(2011, 3, 1), D(2011, 3, 10), D(2011, 3, 10), None)  # fmt: skip
    assert cd.planned_end == D(2014, 3, 10)  # the clock runs from the report date
    cidt, cr = Measure.objects.filter(person=li).order_by("ordered_on")
    assert (cidt.kind, cidt.started_on, cidt.ended_on, cidt.end_reason) == (
        "compulsory_isolation", D(2009, 2, 1), D(2011, 2, 1), "released")  # fmt: skip
    assert (cr.kind, cr.ordered_on, cr.started_on) == ("community_rehab", D(2011, 2, 5), D(2011, 2, 10))

    assert set(UrineTest.objects.values_list("person__id_number", "tested_on", "result")) == {
        (ID1, D(2011, 4, 10), "negative"),
        (ID1, D(2011, 5, 10), "positive"),
        (ID2, D(2011, 3, 10), "evaded"),
    }
    assert set(UrineTest.objects.values_list("recorded_by", flat=True)) == {county_officer.pk}
    assert list(DrugUseFinding.objects.values_list("person", "found_on")) == [(zhang.pk, D(2011, 5, 10))]
    assert set(StatusEvent.objects.values_list("person", "kind", "occurred_on")) == {
        (li.pk, "lost", D(2012, 1, 5)), (li.pk, "found", D(2012, 2, 1))}  # fmt: skip

    base = PlacementBase.objects.get(code="JD-1")
    assert (base.name, base.region_id, base.opened_on) == ("南明示范基地", township_a.code, D(2010, 1, 1))
    at_base, dispersed = Placement.objects.get(person=zhang), Placement.objects.get(person=li)
    assert (at_base.mode, at_base.base, at_base.contract_start, at_base.contract_end) == (
        "concentrated", base, D(2012, 1, 1), D(2013, 12, 31))  # fmt: skip
    assert at_base.social_insurance and at_base.long_contract
    assert (dispersed.mode, dispersed.base, dispersed.social_insurance, dispersed.long_contract) == (
        "dispersed", None, False, False)  # fmt: skip

    transfer = Transfer.objects.get(person=li)
    assert (transfer.from_township_id, transfer.to_township_id, transfer.status) == (
        township_a.code, township_b.code, "accepted")  # fmt: skip
    assert transfer.requested_on == transfer.effective_on == D(2008, 12, 1)


def test_a_small_import_leaves_the_planner_statistics_to_autovacuum(county_officer, good, monkeypatch):
    analyzed = []
    monkeypatch.setattr(services, "analyze", lambda *models: analyzed.append(models))
    report = run(county_officer, good)
    assert report.imported and report.totals()["create"] == 15  # a township's few records, not a bulk load
    assert analyzed == []


def test_an_import_refreshes_the_planner_statistics_of_the_tables_it_filled(county_officer, good, monkeypatch):
    """ANALYZE after a bulk load (issue 17) on PostgreSQL; on SQLite there is nothing to refresh."""
    monkeypatch.setattr(services, "BULK_LOAD_ROWS", 15)  # the rows this roster creates: as many as a bulk load
    with CaptureQueriesContext(connection) as queries:
        assert run(county_officer, good).imported
    analyzed = [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert analyzed == []
        return
    assert len(analyzed) == 1 and all(
        f'"{model._meta.db_table}"' in analyzed[0] for model in (Person, Measure, UrineTest, Placement, AuditEntry)
    )
    with connection.cursor() as cursor:  # ANALYZE writes pg_class in place: seen inside the test's transaction
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Measure._meta.db_table])
        assert cursor.fetchone()[0] == Measure.objects.count() == 3


def test_every_created_record_is_audited(county_officer, good):
    """A new person's entry lists every record created with them; a base has its own entry."""
    report = run(county_officer, good)
    entries = AuditEntry.objects.filter(cid=report.cid)
    assert set(entries.values_list("event", "actor")) == {("create", county_officer.pk)}
    assert sorted(entries.values_list("content_type__model", flat=True)) == ["person", "person", "placementbase"]
    zhang = Person.objects.get(id_number=ID1)
    entry = entries.get(object_pk=str(zhang.pk), content_type__model="person")
    assert entry.region_id == zhang.township_id and entry.changes["name"] == ["None", "张三"]
    assert ID1 not in str(entry.changes)  # ID numbers are masked in the log
    records = entry.additional_data["records"]
    assert sorted(records["cases.urinetest"]) == sorted(
        UrineTest.objects.filter(person=zhang).values_list("pk", flat=True)
    )
    assert records["cases.measure"] == [Measure.objects.get(person=zhang).pk]
    assert records["placement.placement"] == [Placement.objects.get(person=zhang).pk]
    assert records["cases.drugusefinding"] == [DrugUseFinding.objects.get(person=zhang).pk]
    listed = sum(
        len(ids) for e in entries.filter(content_type__model="person") for ids in e.additional_data["records"].values()
    )
    assert listed + 3 == report.totals()["create"]  # every created record is named once
    base = entries.get(content_type__model="placementbase")
    assert base.object_pk == str(PlacementBase.objects.get().pk) and base.changes["code"] == ["None", "JD-1"]


def test_a_record_added_to_a_registered_person_has_its_own_entry(county_officer, person_a):
    report = run(county_officer, {"尿检": [[person_a.id_number, D(2012, 5, 5), "阳性"]]})
    test = UrineTest.objects.get(person=person_a)
    entry = AuditEntry.objects.get(cid=report.cid)
    assert (entry.content_type.model, entry.object_pk, entry.event, entry.actor) == (
        "urinetest", str(test.pk), "create", county_officer)  # fmt: skip
    assert entry.region_id == person_a.township_id and entry.changes["result"] == ["None", "positive"]
    assert entry.object_repr == str(test) and entry.additional_data["file"] == "roster.xlsx"


def test_the_bulk_audit_writes_what_auditlog_writes(county_officer, person_a):
    """The fields and their text are django-auditlog's own for a created record (its reverse relations aside)."""
    from auditlog.diff import model_instance_diff

    from cases.roster.services import created_changes, object_repr

    measure = MeasureFactory(person=person_a, ended_on=D(2014, 3, 10), end_reason="completed")
    test = UrineTest.objects.create(
        person=person_a, tested_on=D(2012, 1, 1), result="refused", recorded_by=county_officer
    )
    for record in (person_a, measure, test):
        expected = {name: list(change) for name, change in model_instance_diff(None, record).items()
                    if name in {f.name for f in record._meta.concrete_fields} and change[1] != "None"}  # fmt: skip
        assert created_changes(record) == expected
        assert object_repr(record) == str(record)


def test_reimporting_the_same_file_changes_nothing(county_officer, good):
    run(county_officer, good)
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        again = run(county_officer, good)
    assert again.errors == [] and again.totals() == {"create": 0, "update": 0, "unchanged": 15}
    assert snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_a_changed_row_updates_that_record_and_is_audited(county_officer, good):
    run(county_officer, good)
    good["人员"][0][1] = "张叁"
    good["人员"][0][8] = "13900000009"
    good["尿检"][2][2] = "拒绝"
    good["措施"][0][5], good["措施"][0][6] = D(2014, 3, 10), "期满解除"  # discharged on expiry
    report = run(county_officer, good)
    assert report.errors == [], report.errors
    assert report.totals() == {"create": 0, "update": 3, "unchanged": 12}
    person = Person.objects.get(id_number=ID1)
    assert (person.name, person.name_initials, person.phone) == ("张叁", "zs", "13900000009")
    assert UrineTest.objects.get(person__id_number=ID2).result == "refused"
    measure = Measure.objects.get(person=person)
    assert (measure.ended_on, measure.end_reason) == (D(2014, 3, 10), "completed")
    updates = AuditEntry.objects.filter(event="update", actor=county_officer)
    assert updates.count() == 3
    change = updates.get(content_type__model="person").changes
    assert change["name"] == ["张三", "张叁"] and change["phone"] == ["13800000001", "13900000009"]
    assert set(updates.values_list("cid", flat=True)) == {report.cid}


def test_a_dry_run_reports_and_writes_nothing(county_officer, good):
    before = snapshot()
    report = run(county_officer, good, dry_run=True)
    assert report.totals() == {"create": 15, "update": 0, "unchanged": 0} and not report.imported
    assert snapshot() == before


def test_records_of_registered_persons_need_no_persons_row(county_officer, person_a):
    report = run(county_officer, {"尿检": [[person_a.id_number, D(2012, 5, 5), "阴性"]]})
    assert report.errors == [] and report.counts == {"尿检": {"create": 1, "update": 0, "unchanged": 0}}
    assert UrineTest.objects.get(person=person_a).tested_on == D(2012, 5, 5)


def test_english_aliases_old_ids_and_stray_sheets_are_read(county_officer, township_a):
    old_card = "520102900314123"  # 15 digits, issued before 1999: 1990-03-14
    book = Workbook()
    ws = book.active
    ws.title = "persons"
    ws.append(["ID_Number", "name", "township_code", "registered_on"])
    ws.append([int(old_card), "王五", township_a.code, "2012/7/1"])
    book.create_sheet("说明").append(["notes are ignored"])
    out = io.BytesIO()
    book.save(out)
    report = run(county_officer, content=out.getvalue())
    assert report.errors == [] and report.ignored_sheets == ["说明"]
    person = Person.objects.get(name="王五")
    assert person.id_number[:6] + person.id_number[8:17] == old_card and person.birth_date == D(1990, 3, 14)
    assert person.registered_on == D(2012, 7, 1)


def test_three_evaded_tests_raise_the_breach_alert_as_the_form_would(county_officer, township_a):
    tests = [[ID1, D(2011, 4, day), "逃避"] for day in (10, 20, 30)]
    report = run(county_officer, {"人员": roster(township_a.code, township_a.code)["人员"][:1],
                                  "措施": [[ID1, "社区戒毒", D(2011, 3, 1), D(2011, 3, 10), None, None, None]],
                                  "尿检": tests}, today=D(2012, 1, 1))  # fmt: skip
    assert report.errors == []
    assert Alert.objects.get(person__id_number=ID1).kind == "tests_missed"


# Every kind of bad row: refused with its place and code, nothing written -------------------------------------


def put(sheet: str, row: int, column: int, value):
    """A change to the good roster: one cell of one row (0 is the first record row)."""
    return lambda r: r[sheet][row].__setitem__(column, value)


def add(sheet: str, row: list):
    return lambda r: r[sheet].append(row)


def _bad(good, a, c="520103001"):
    """(description, change to the good roster, expected (sheet, row, column, code))."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    other = make_id_number(9, born=dt.date(1992, 3, 3))
    wrong_check = ID1[:17] + ("0" if ID1[17] != "0" else "1")
    overlapping = [ID1, "社区戒毒", D(2012, 1, 1), D(2012, 1, 5), None, None, None]

    def discharged_early(r):
        r["措施"][0][5:7] = [D(2012, 3, 10), "期满解除"]

    return [
        ("bad check character", put("人员", 0, 0, wrong_check), ("人员", 2, "身份证号", "id_check")),
        ("ID stored as a number", put("人员", 1, 0, 520102199102020026), ("人员", 3, "身份证号", "id_as_number")),
        ("unknown township", put("人员", 0, 2, "520102999"), ("人员", 2, "乡镇代码", "unknown_township")),
        ("impossible date", put("尿检", 0, 1, "2011-02-30"), ("尿检", 2, "检测日期", "bad_date")),
        ("future date", put("复吸", 0, 1, tomorrow), ("复吸", 2, "发现日期", "future_date")),
        ("unknown measure kind", put("措施", 0, 1, "社区矫正"), ("措施", 2, "措施类型", "unknown_measure_kind")),
        ("rehab without isolation", lambda r: r["措施"].pop(1), ("措施", 3, "措施类型", "measure_rule")),
        ("overlapping detox", add("措施", overlapping), ("措施", 5, "措施类型", "measure_rule")),
        ("discharged before the end", discharged_early, ("措施", 2, "结束日期", "measure_rule")),
        (
            "person not in the file",
            add("尿检", [other, D(2011, 6, 1), "阴性"]),
            ("尿检", 5, "身份证号", "unknown_person"),
        ),
        ("base not in the file", put("就业", 0, 2, "JD-404"), ("就业", 2, "基地编号", "unknown_base")),
        ("township outside the region", put("人员", 0, 2, c), ("人员", 2, "乡镇代码", "out_of_region")),
        ("broken transfer chain", put("调动", 0, 2, a), ("调动", 2, "新乡镇代码", "transfer_chain")),
        ("first use after found", put("人员", 0, 4, D(2011, 1, 1)), ("人员", 2, "首吸日期", "date_order")),
        ("unknown test result", put("尿检", 0, 2, "可疑"), ("尿检", 2, "结果", "unknown_choice")),
        ("same test twice", add("尿检", [ID1, D(2011, 4, 10), "阴性"]), ("尿检", 5, "检测日期", "duplicate_row")),
        ("missing name", put("人员", 0, 1, None), ("人员", 2, "姓名", "required")),
    ]


BAD_ROWS = [description for description, _change, _expected in _bad(roster("520102016", "520102017"), "520102016")]


@pytest.mark.parametrize("description", BAD_ROWS)
def test_each_kind_of_bad_row_is_refused_with_its_place_and_nothing_is_written(
    description, county_officer, good, township_a, township_c
):
    cases = {case[0]: case for case in _bad(good, township_a.code, township_c.code)}
    _description, change, expected = cases[description]
    change(good)
    before = snapshot()
    report = run(county_officer, good)
    assert expected in where(report), (description, where(report))
    assert not report.imported and report.cid == ""
    assert snapshot() == before
    assert all(error.message for error in report.errors)


def test_every_bad_row_is_listed_at_once(county_officer, good, township_a):
    cases = [case for n, case in enumerate(_bad(good, township_a.code)) if n in (1, 3, 4, 5, 10, 13)]
    for _description, change, _expected in cases:
        change(good)
    report = run(county_officer, good)
    assert {expected for _d, _c, expected in cases} <= where(report)


def test_a_person_registered_in_another_county_is_refused_never_updated(county_officer, good, person_c):
    good["人员"][0][0] = person_c.id_number
    good["人员"][0][2] = good["人员"][1][2]
    report = run(county_officer, good)
    assert ("", 0, "", "registered_elsewhere") in where(report)
    person_c.refresh_from_db()
    assert person_c.name == "丙某" and not Person.objects.filter(name="张三").exists()


def test_an_update_cannot_move_a_person_out_of_the_region(county_officer, person_a, township_c):
    row = [person_a.id_number, person_a.name, township_c.code, person_a.registered_on]
    report = run(county_officer, {"人员": [row]})
    assert where(report) == {("人员", 2, "乡镇代码", "out_of_region")}
    person_a.refresh_from_db()
    assert person_a.township_id.startswith("520102")


def test_a_base_of_another_county_is_never_changed_or_moved(county_officer, township_a, township_c):
    from ..placement.factories import BaseFactory

    base = BaseFactory(code="JD-C", name="外县基地", region=township_c, opened_on=D(2010, 1, 1))
    report = run(county_officer, {"安置基地": [["JD-C", "改名", township_a.code, D(2010, 1, 1)]]})
    assert where(report) == {("安置基地", 2, "基地编号", "out_of_region")}
    base.refresh_from_db()
    assert (base.name, base.region_id) == ("外县基地", township_c.code)
    # naming it unchanged, as a placement's base, is allowed: bases are public
    report = run(county_officer, {"安置基地": [["JD-C", "外县基地", township_c.code, D(2010, 1, 1)]]}, dry_run=True)
    assert ("安置基地", 2, "基地编号", "out_of_region") not in where(report)


def test_a_missing_column_refuses_the_sheet(county_officer, township_a):
    headers = {"人员": ["身份证号", "姓名", "查获日期"]}
    report = run(county_officer, content=workbook({"人员": [[ID1, "张三", D(2010, 5, 1)]]}, headers))
    assert where(report) == {("人员", 1, "乡镇代码", "missing_column")}


def test_a_file_that_is_not_a_roster_is_refused(county_officer):
    old_excel = run(county_officer, content=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", name="a.xls")
    assert {e.code for e in old_excel.errors} == {"bad_file"}
    assert {e.code for e in run(county_officer, content=b"PK\x03\x04broken", name="a.xlsx").errors} == {"bad_file"}
    unknown = run(county_officer, content=workbook({"Sheet1": [["x"]]}, {"Sheet1": ["x"]}))
    assert {e.code for e in unknown.errors} == {"no_sheet"} and unknown.ignored_sheets == ["Sheet1"]


# Roles and regions ---------------------------------------------------------------------------------------------


def test_a_township_worker_imports_within_the_township(worker_a, township_a, township_b):
    sheets = {"人员": [[ID1, "张三", township_a.code, D(2010, 5, 1)], [ID2, "李四", township_b.code, D(2010, 5, 1)]],
              "尿检": [[ID1, D(2011, 4, 10), "阴性"]]}  # fmt: skip
    report = run(worker_a, sheets, content=workbook(sheets, {"人员": HEADERS["人员"][:4], "尿检": HEADERS["尿检"]}))
    assert where(report) == {("人员", 3, "乡镇代码", "out_of_region")}
    sheets["人员"].pop()
    report = run(worker_a, content=workbook(sheets, {"人员": HEADERS["人员"][:4], "尿检": HEADERS["尿检"]}))
    assert report.imported and UrineTest.objects.get().person.township_id == township_a.code


def test_measure_decisions_and_bases_are_the_county_offices(worker_a, good, township_a):
    good["人员"][1][2] = township_a.code
    good["调动"] = []
    report = run(worker_a, good)
    codes = {(e.sheet, e.code) for e in report.errors}
    assert {("措施", "not_permitted"), ("安置基地", "not_permitted"), ("复吸", "not_permitted")} <= codes
    assert not {code for sheet, code in codes if sheet in ("人员", "尿检", "状态", "就业")}


def test_those_who_may_not_import_are_refused(police_a, province_officer, hr_staff, good):
    for user in (police_a, province_officer, hr_staff):
        with pytest.raises(PermissionDenied):
            run(user, good)


# CSV -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_persons_csv_imports_in_gbk_or_utf8(encoding, county_officer, township_a):
    text = "身份证号,姓名,乡镇代码,查获日期,现住址\r\n" + f"{ID1},张三,{township_a.code},2010-05-01,南明区甲路\r\n"
    text += f"{ID2},欧阳娜娜,{township_a.code},2011-06-01,\r\n"
    report = run(county_officer, content=text.encode(encoding), name="persons.csv")
    assert report.errors == [] and report.counts == {"人员": {"create": 2, "update": 0, "unchanged": 0}}
    assert set(Person.objects.values_list("name", "address")) == {("张三", "南明区甲路"), ("欧阳娜娜", "")}
    again = run(county_officer, content=text.encode(encoding), name="persons.csv")
    assert again.totals() == {"create": 0, "update": 0, "unchanged": 2}


def test_a_csv_with_an_id_excel_turned_into_a_number_is_refused(county_officer, township_a):
    text = f"身份证号,姓名,乡镇代码,查获日期\n5.20102E+17,张三,{township_a.code},2010-05-01\n"
    report = run(county_officer, content=text.encode("gbk"), name="persons.csv")
    assert where(report) == {("人员", 2, "身份证号", "id_as_number")}


# Progress ------------------------------------------------------------------------------------------------------


def test_progress_is_reported_up_to_the_end(county_officer, township_a):
    persons = [[make_id_number(n, born=D(1980, 1, 1) + dt.timedelta(days=n)), f"人{n}", township_a.code,
                D(2010, 5, 1)] for n in range(1200)]  # fmt: skip
    seen = []
    report = run(county_officer, content=workbook({"人员": persons}, {"人员": HEADERS["人员"][:4]}),
                 progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert report.imported and Person.objects.count() == 1200
    assert len(seen) >= 3 and all(0 <= done <= total for done, total in seen)
    assert seen[-1][0] == seen[-1][1]


# The command ---------------------------------------------------------------------------------------------------


def test_the_command_dry_runs_imports_and_refuses(county_officer, good, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook(good))
    out = io.StringIO()
    call_command("import_roster", str(path), "--user", "county_officer", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "人员" in out.getvalue() and Person.objects.count() == 0
    call_command("import_roster", str(path), "--user", "county_officer", stdout=io.StringIO(), stderr=io.StringIO())
    assert Person.objects.count() == 2
    good["尿检"][0][2] = "可疑"
    path.write_bytes(workbook(good))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "county_officer", stdout=out, stderr=io.StringIO())
    assert "尿检 row 2 结果" in out.getvalue() and "[unknown_choice]" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "police_a", stdout=io.StringIO())


def test_the_command_requires_a_user(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "x.xlsx"))


# The page ------------------------------------------------------------------------------------------------------


def test_the_template_lists_every_sheet_and_imports_as_it_is(client, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("cases:roster_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    assert set(book.sheetnames) == {*HEADERS, "说明"}
    for name, headers in HEADERS.items():
        assert [cell.value for cell in book[name][1]] == headers
        assert all(cell.value for cell in book[name][2][:2]) and not any(cell.value for cell in book[name][3])
    report = run(county_officer, content=content)
    assert report.imported and report.totals()["create"] == len(HEADERS)  # its example rows fit together


def test_the_page_previews_then_imports(client, county_officer, good, django_capture_on_commit_callbacks):
    client.force_login(county_officer)
    assert client.get(reverse("cases:roster_import")).status_code == 200
    upload = io.BytesIO(workbook(good))
    upload.name = "县名册.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:roster_import"), {"file": upload})
    check = Job.objects.get(kind="roster_check")
    assert response.status_code == 302 and response["Location"] == reverse("cases:roster_job", args=[check.pk])
    assert check.status == "done" and check.result["totals"] == {"create": 15, "update": 0, "unchanged": 0}
    assert Person.objects.count() == 0  # a preview only
    page = client.get(response["Location"])
    assert page.context["can_import"] and b'id="roster-confirm"' in page.content
    assert b'data-sheet="\xe4\xba\xba\xe5\x91\x98"' in page.content  # 人员 in the counts table
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:roster_job", args=[check.pk]))
    job = Job.objects.get(kind="roster_import")
    assert response["Location"] == reverse("cases:roster_job", args=[job.pk])
    assert job.status == "done" and job.result["imported"] and Person.objects.count() == 2
    check.refresh_from_db()
    assert check.file is None  # the kept copy is given up once imported
    # the same preview cannot be imported twice
    client.post(reverse("cases:roster_job", args=[check.pk]))
    assert Job.objects.filter(kind="roster_import").count() == 1


def test_the_page_lists_the_refused_rows_and_offers_no_import(client, county_officer, good,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    good["人员"][0][0] = ID1[:17] + ("0" if ID1[17] != "0" else "1")
    client.force_login(county_officer)
    upload = io.BytesIO(workbook(good))
    upload.name = "roster.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:roster_import"), {"file": upload})
    page = client.get(response["Location"])
    assert not page.context["can_import"] and b'data-code="id_check"' in page.content
    errors = page.context["report"]["errors"]
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in errors} >= {("人员", 2, "身份证号", "id_check")}
    assert Job.objects.get().file is None


def test_a_refused_import_fails_its_job_and_writes_nothing(county_officer, good, django_capture_on_commit_callbacks):
    from cases.roster.jobs import IMPORT
    from sunshine.jobs import job_start

    good["尿检"][0][2] = "可疑"
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=county_officer, kind=IMPORT, title="x", params={"file_name": "r.xlsx"},
                        upload=workbook(good))  # fmt: skip
    job.refresh_from_db()
    assert job.status == "failed" and job.result["error_count"] == 1 and Person.objects.count() == 0


def test_the_upload_form_refuses_other_files(client, worker_a):
    client.force_login(worker_a)
    upload = io.BytesIO(b"x")
    upload.name = "roster.pdf"
    response = client.post(reverse("cases:roster_import"), {"file": upload})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Job.objects.exists()


def test_the_job_page_polls_while_running_with_a_fixed_query_count(client, county_officer,
                                                                   django_assert_max_num_queries):  # fmt: skip
    job = Job.objects.create(kind="roster_check", title="x", requested_by=county_officer, params={"file_name": "x"})
    client.force_login(county_officer)
    fragment = client.get(reverse("cases:roster_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in fragment.content and b"<html" not in fragment.content
    Job.objects.filter(pk=job.pk).update(status="done", file=b"PK", result={
        "counts": [{"sheet": "人员", "create": 3, "update": 0, "unchanged": 0}], "errors": [], "error_count": 0,
        "dry_run": True})  # fmt: skip
    # session, user, user's region (menu), the job, whether its file is kept, session save (savepoint, update, release),
    # the lawful-query banner's grant check (#14)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("cases:roster_job", args=[job.pk]))
    assert b"hx-trigger" not in page.content and page.context["can_import"]


def test_a_roster_job_is_its_requesters_alone(client, county_officer, worker_a):
    job = Job.objects.create(kind="roster_check", title="x", requested_by=county_officer, status="done", file=b"PK",
                             params={"file_name": "x"}, result={"dry_run": True, "error_count": 0})  # fmt: skip
    client.force_login(worker_a)
    assert client.get(reverse("cases:roster_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("cases:roster_job", args=[job.pk])).status_code == 404
    assert not Job.objects.filter(kind="roster_import").exists()


def test_an_existing_measure_is_matched_and_checked_with_the_new_ones(county_officer, person_a):
    MeasureFactory(person=person_a)  # CD ordered 2011-03-01, reported 2011-03-10, running
    rows = [[person_a.id_number, "社区戒毒", D(2011, 3, 1), D(2011, 3, 10), None, None, None],
            [person_a.id_number, "社区戒毒", D(2012, 5, 1), D(2012, 5, 3), None, None, None]]  # fmt: skip
    report = run(county_officer, {"措施": rows})
    assert where(report) == {("措施", 3, "措施类型", "measure_rule")}  # overlaps the recorded one
    report = run(county_officer, {"措施": rows[:1]})
    assert report.counts["措施"] == {"create": 0, "update": 0, "unchanged": 1}


def test_a_transfer_history_must_lead_to_the_current_township(county_officer, township_a, township_b):
    other = PersonFactory(township=township_b)
    report = run(county_officer, {"调动": [[other.id_number, township_b.code, township_a.code, D(2011, 1, 1)]]})
    assert where(report) == {("调动", 2, "新乡镇代码", "transfer_chain")}
    report = run(county_officer, {"调动": [[other.id_number, township_a.code, township_b.code, D(2011, 1, 1)]]})
    assert report.imported and Transfer.objects.get(person=other).status == "accepted"


def test_a_dry_run_counts_persons_registered_elsewhere_once_and_audits_the_answer(county_officer, good, persons):
    """Issue 12, finding 7: a dry run flagged 25 of 25 existing numbers row by row, unaudited."""
    from sunshine.models import AuditEntry

    for row, key in enumerate(("c", "z")):
        good["人员"][row][0] = persons[key].id_number
    report = run(county_officer, good, dry_run=True)
    assert [error.message for error in report.errors if error.code == "registered_elsewhere"] == [
        "本文件中有 2 人已在其他地区登记；请联系县禁毒办。"
    ]
    assert not [error for error in report.errors if error.code == "out_of_region" and error.field == "id_number"]
    assert persons["c"].name not in str(report.as_dict()) and persons["c"].id_number not in str(report.as_dict())
    probe = AuditEntry.objects.get(event="probe", actor=county_officer)
    assert probe.additional_data == {"elsewhere": 2, "seen": 0, "source": "roster"}
