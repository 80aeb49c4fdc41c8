"""Hostile workbooks: refused with a message from the zip's bounds before anything parses them, and whatever
gets past the bounds ends a memory-limited child, never the web or worker process."""

import io
import os
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from cases.roster.reader import _xlsx_sheets
from cases.roster.services import roster_import
from sunshine.models import Job
from sunshine.uploads import Bounds, UploadRefused, run_bounded, xlsx_check

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheet_data: str, *, shared: list[str] = (), sheets: int = 1) -> bytes:
    """A minimal workbook: ``sheet_data`` is the first sheet's <sheetData> content; the others hold one cell."""
    names = [f"人员{n}" if n else "人员" for n in range(sheets)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, sheets + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>{entries}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        links += f'<Relationship Id="rId{sheets + 1}" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        z.writestr(
            "xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{RELS}">{links}</Relationships>'
        )
        for i in range(1, sheets + 1):
            data = sheet_data if i == 1 else '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>',
            )
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{items}</sst>')
    return buffer.getvalue()


def inline(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# One cell at the last column of the last row: 1.6 KB that makes calamine allocate a 512 GiB grid and abort.
FAR_CELL = xlsx(f'<row r="1">{inline("A1")}</row><row r="1048576">{inline("XFD1048576")}</row>')
# 30 KB of text referenced by 30,000 cells: a 60 KB file that unpacks into about a gigabyte of strings.
SHARED_BOMB = xlsx(
    "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDEFGHIJ") + "</row>"
            for r in range(1, 3001)),
    shared=["x" * 30_000],
)  # fmt: skip


def refusal(content: bytes, bounds: Bounds | None = None) -> str:
    with pytest.raises(UploadRefused) as refused, translation.override("zh-hans"):
        xlsx_check(content, *([bounds] if bounds else []))
    return str(refused.value)


def test_the_far_cell_is_refused_from_the_zip():
    assert len(FAR_CELL) < 2000
    assert "1048576" in refusal(FAR_CELL) and "16384" in refusal(FAR_CELL)


def test_text_repeated_through_shared_strings_is_refused():
    assert len(SHARED_BOMB) < 100_000
    assert "MB" in refusal(SHARED_BOMB, Bounds(text_bytes=100 * 2**20))


def test_too_many_sheets_are_refused():
    assert "21" in refusal(xlsx(f'<row r="1">{inline("A1")}</row>', sheets=21))


def test_what_the_zip_unpacks_to_is_counted_while_unpacking():
    rows = "".join(f'<row r="{r}">{inline(f"A{r}", "y" * 1000)}</row>' for r in range(1, 3000))
    assert "1 MB" in refusal(xlsx(rows), Bounds(unzipped_bytes=2**20))


def test_a_file_that_is_not_a_zip_is_refused():
    assert refusal(b"PK\x03\x04 not really a zip")


def test_an_ordinary_workbook_passes_the_checks():
    xlsx_check(xlsx("".join(f'<row r="{r}">{inline(f"A{r}")}{inline(f"I{r}")}</row>' for r in range(1, 1000))))


def test_what_gets_past_the_checks_ends_the_child_not_this_process():
    with pytest.raises(UploadRefused):
        run_bounded(_xlsx_sheets, FAR_CELL)  # calamine aborts (SIGABRT) in the child
    with pytest.raises(UploadRefused):
        run_bounded(bytearray, 8 * 2**30)  # a MemoryError in the child
    with pytest.raises(UploadRefused):
        run_bounded(os.abort)
    assert run_bounded(sum, [1, 2, 3]) == 6  # and this process carries on
    with pytest.raises(KeyError):
        run_bounded({}.__getitem__, "missing")  # the child's own exceptions come back as they are


@pytest.mark.django_db
@pytest.mark.parametrize("content", [FAR_CELL, SHARED_BOMB], ids=["far_cell", "shared_strings"])
def test_the_import_refuses_a_hostile_workbook_with_a_message(county_officer, content):
    with translation.override("zh-hans"):
        report = roster_import(user=county_officer, content=content, file_name="roster.xlsx", dry_run=True)
    [error] = report.errors
    assert error.code == "bad_file" and "拆分" in error.message  # tells the user to split the file


@pytest.mark.django_db
def test_the_import_page_shows_the_refusal_of_the_far_cell(client, county_officer,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(county_officer)
    upload = io.BytesIO(FAR_CELL)
    upload.name = "roster.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:roster_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    job = Job.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200 and job.status == "done" and not page.context["can_import"]
    assert "1048576" in page.content.decode()
