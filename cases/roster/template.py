"""The roster template offered on the import page: every sheet with its Chinese headers, one example row that
fits the downloading user's region, and a notes sheet (说明) explaining the columns."""

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from stdnum.cn.ric import calc_check_digit

from sunshine.forms import township_choices
from sunshine.models import Region, User
from sunshine.spreadsheets import workbook_bytes

from .sheets import registered_sheets

NOTES = "说明"
FILE_NAME = "roster-template.xlsx"


def example_id_number(township: Region) -> str:
    """An ID number issued in ``township``'s county (its address code is the county's division code)."""
    body = f"{township.county}19850314123"
    return body + calc_check_digit(body + "0")


def _sample(user: User) -> dict:
    """Example values that fit the user's region: one of its townships, another township to transfer from."""
    township = township_choices(user).order_by("code").first()
    if township is None:  # an importer always has a region; a sample all the same
        township = Region.objects.get(code="520102001")
    code = township.code
    siblings = Region.objects.townships().filter(parent_id=township.parent_id).exclude(code=code).order_by("code")
    other_code = siblings.values_list("code", flat=True).first() or code
    return {"id_number": example_id_number(township), "township": code, "township2": other_code, "base": "JD-0001"}


def roster_template(*, user: User) -> bytes:
    """The template workbook (xlsx bytes). ID, code and text columns are text cells, so Excel keeps every digit."""
    sample = _sample(user)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in registered_sheets():
        ws = book.create_sheet(sheet.name)
        ws.append([column.header for column in sheet.columns])
        ws.append([sample.get(column.example, column.example) for column in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws[f"{letter}1"].font = bold
            ws.column_dimensions[letter].width = 22 if column.kind == "id" else 14
            # Whole columns formatted for typing in: dates as dates, everything else as text.
            number_format = "yyyy-mm-dd" if column.kind == "date" else "@"
            ws.column_dimensions[letter].number_format = number_format
            ws[f"{letter}2"].number_format = number_format
        ws.freeze_panes = "A2"
    notes = book.create_sheet(NOTES)
    notes.append(["工作表", "列（中文表头 / English alias）", "说明"])
    for cell in notes[1]:
        cell.font = bold
    for sheet in registered_sheets():
        columns = "，".join(f"{c.header}{'*' if c.required else ''} / {c.alias}" for c in sheet.columns)
        notes.append([f"{sheet.name} ({sheet.alias})", columns, sheet.note])
    notes.append(["", "带 * 的列必填；日期写作 YYYY-MM-DD（文本或日期单元格）；空单元格表示没有该项。", ""])
    notes.append(["", "导入时全部检查，有任何错误则什么也不写入；同一文件重复导入不会改变任何数据。", ""])
    for letter, width in (("A", 18), ("B", 90), ("C", 90)):
        notes.column_dimensions[letter].width = width
    return workbook_bytes(book)
