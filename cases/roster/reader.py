"""Reading a roster file into sheets of rows: an xlsx workbook (calamine) or a CSV file holding
the persons sheet alone (UTF-8 with or without BOM, else GBK/GB18030, as Excel saves it on a Chinese Windows).

Row numbers are the ones the user sees in Excel: the header is row 1, the first record row 2. Empty rows
are skipped, keeping the numbering.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from sunshine.uploads import UploadRefused, run_bounded, xlsx_check

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads every GBK file and a little more
MAX_COLUMNS = 64  # a roster sheet has at most 9 columns; anything past this is stray formatting


class RosterFileError(Exception):
    """The file cannot be read at all (not a workbook, an unknown encoding...)."""


@dataclass
class RawSheet:
    """One sheet as found in the file: its title, its header cells and its rows (row number, cells)."""

    title: str
    headers: list = field(default_factory=list)
    rows: list[tuple[int, tuple]] = field(default_factory=list)


def _is_empty_row(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _collect(title: str, rows: Iterable) -> RawSheet:
    sheet = RawSheet(title=title)
    for number, cells in enumerate(rows, start=1):
        if number == 1:
            sheet.headers = list(cells[:MAX_COLUMNS])
            continue
        if not _is_empty_row(cells):
            sheet.rows.append((number, tuple(cells[:MAX_COLUMNS])))
    return sheet


def decode_csv(content: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(_("The CSV file is neither UTF-8 nor GBK text."))


def _csv_sheet(content: bytes, title: str) -> RawSheet:
    text = decode_csv(content)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return _collect(title, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_csv(content: bytes, title: str, progress=None) -> list[RawSheet]:
    sheet = _bounded(_csv_sheet, content, title)
    if progress:
        progress(len(sheet.rows), None)
    return [sheet]


def _xlsx_sheets(content: bytes) -> list[RawSheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        # Keep the empty area before the data, so that row numbers are the ones Excel shows.
        return [_collect(title, book.get_sheet_by_name(title).to_python(skip_empty_area=False))
                for title in book.sheet_names]  # fmt: skip
    except (CalamineError, ValueError) as error:
        raise RosterFileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error


def read_xlsx(content: bytes, progress=None) -> list[RawSheet]:
    """The sheets of an xlsx workbook, read by calamine (Rust): 230,000 rows in under 2 s, where openpyxl's
    read-only mode takes about 30 s (docs/benchmarks.md, "Roster import"). The zip is checked against its
    bounds first and calamine runs in a memory-limited child (``sunshine.uploads``)."""
    try:
        xlsx_check(content)
    except UploadRefused as error:
        raise RosterFileError(str(error)) from error
    sheets = _bounded(_xlsx_sheets, content)
    if progress:
        progress(sum(len(sheet.rows) for sheet in sheets), None)
    return sheets


def _bounded(function, *args):
    try:
        return run_bounded(function, *args)
    except UploadRefused as error:
        raise RosterFileError(str(error)) from error


def is_workbook(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def read_roster(content: bytes, file_name: str, *, csv_title: str, progress=None) -> list[RawSheet]:
    """The sheets of an xlsx workbook, or the one sheet (named ``csv_title``) of a CSV file.

    ``progress(rows read, estimated rows)`` is called now and then while reading.
    """
    if not content:
        raise RosterFileError(_("The file is empty."))
    if is_workbook(content):
        return read_xlsx(content, progress)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise RosterFileError(_("The file is not an Excel workbook (.xlsx) that can be read."))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterFileError(_("Old Excel files (.xls) are not read; save the workbook as .xlsx."))
    return read_csv(content, csv_title, progress)
