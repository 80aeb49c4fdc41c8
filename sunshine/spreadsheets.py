"""The one way we write a spreadsheet: ``workbook_bytes(workbook)``. Every export goes through it.

Names, certificates, notes and region names are typed by people. openpyxl takes any text starting with "=" for
a formula, and a spreadsheet program runs text starting with "=", "+", "-" or "@" as one once the cell is
edited (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). So every text cell is written as text, and text that
could be read as a formula carries Excel's quote prefix (the leading ' a user types), which keeps it text when
edited; the value itself is unchanged.
"""

import datetime as dt
import io
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formulas(workbook: Workbook) -> None:
    """Make every cell of ``workbook`` a value: no formula cells; formula-like text marked as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True


class _FixedTimeZipFile(ZipFile):
    """A zip archive whose entries all carry one given time: openpyxl stamps its entries with the current time
    (``writestr``) or with the modification time of the temporary file a worksheet was written to (``write``)."""

    def __init__(self, *args, date_time: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_date_time = date_time

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self.fixed_date_time)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type=compress_type, compresslevel=compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:
            self.writestr(arcname or filename, source.read(), compress_type, compresslevel)


def workbook_bytes(workbook: Workbook, *, created: dt.datetime | None = None) -> bytes:
    """The xlsx bytes of ``workbook``, formulas neutralised. With ``created`` the file is reproducible: its
    properties and zip entries carry that time rather than now (openpyxl's ``save`` stamps "modified" with now)."""
    neutralise_formulas(workbook)
    buffer = io.BytesIO()
    if created is None:
        workbook.save(buffer)
        return buffer.getvalue()
    naive_utc = created.astimezone(dt.UTC).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = naive_utc
    archive = _FixedTimeZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, date_time=created.timetuple()[:6])
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    """The one answer of a view that returns a workbook: ``content`` (from ``workbook_bytes``) as an attachment named
    ``file_name`` (Chinese names too: RFC 6266's filename*)."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response
