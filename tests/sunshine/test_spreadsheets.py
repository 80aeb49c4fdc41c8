"""Every spreadsheet we write goes through ``sunshine.spreadsheets.workbook_bytes``: no cell is a formula, and
text a spreadsheet program could take for one (the payloads a hostile tester typed) keeps Excel's quote prefix."""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sunshine.spreadsheets import workbook_bytes

from ..factories import PersonFactory
from ..placement.factories import PlacementFactory

PAYLOADS = [
    '=HYPERLINK("http://evil.example/x","点击查看")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
]


def assert_values_only(content: bytes, payloads=()) -> None:
    """No formula in any sheet; each payload present as a text cell with the quote prefix."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<f[ >]", archive.read(name)), f"a formula in {name}"
    cells = {
        cell.value: cell
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for payload in payloads:
        assert cells[payload].data_type == "s" and cells[payload].quotePrefix, payload


def test_the_writer_keeps_formula_like_text_as_text_and_leaves_the_rest_alone():
    book = Workbook()
    book.active.append([*PAYLOADS, "张三", 42, dt.date(2012, 1, 1)])
    content = workbook_bytes(book)
    assert_values_only(content, PAYLOADS)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == [*PAYLOADS, "张三", 42, dt.datetime(2012, 1, 1)]
    assert not sheet.cell(1, len(PAYLOADS) + 1).quotePrefix  # ordinary text is not marked


@pytest.mark.django_db
def test_the_tax_relief_export_neutralises_names_and_certificates(client, county_officer, township_a):
    for name, certificate in zip(PAYLOADS, reversed(PAYLOADS), strict=True):
        PlacementFactory(
            person=PersonFactory(township=township_a, name=name),
            employment_certificate=certificate,
            tax_policy_marked=True,
            contract_start=dt.date.today() - dt.timedelta(days=10),
            contract_end=dt.date.today() + dt.timedelta(days=400),
        )
    client.force_login(county_officer)
    response = client.get(reverse("placement:tax_relief_export"))
    assert response.status_code == 200
    assert_values_only(response.content, PAYLOADS)


@pytest.mark.django_db
def test_the_roster_template_has_values_only(client, worker_a, township_a):
    township_a.name = PAYLOADS[0]
    township_a.save()
    client.force_login(worker_a)
    response = client.get(reverse("cases:roster_template"))
    assert response.status_code == 200
    assert_values_only(response.content)


def test_no_module_writes_a_workbook_another_way():
    """One writer: openpyxl's save and ExcelWriter are called only in sunshine/spreadsheets.py."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.glob("*/**/*.py"):
        if path.parts[len(base.parts)] in {".venv", "tests", "bench"} or path.name == "spreadsheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "openpyxl" in text and re.search(r"\.save\(|ExcelWriter\(|save_workbook\(", text):
            offenders.append(str(path.relative_to(base)))
    assert offenders == []
