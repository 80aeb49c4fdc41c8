"""The assessment report's files: Excel (openpyxl) and PDF (``sunshine.pdf.render_pdf``), from its figures alone.

Both are pure functions of the figures of ``reporting.assessment.assessment_figures`` (which carry their own
words and generation time): the same figures give the same bytes, in any process, at any time. That is how a
finalised report is regenerated and checked against its stored SHA-256. Ordered things are lists in the figures
(PostgreSQL's jsonb does not keep the order of an object's keys); objects are only looked up by key.
"""

import datetime as dt

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sunshine import formatting
from sunshine.pdf import render_pdf
from sunshine.spreadsheets import CONTENT_TYPE as XLSX
from sunshine.spreadsheets import workbook_bytes

CONTENT_TYPES = {
    "xlsx": XLSX,
    "pdf": "application/pdf",
}
PERCENT = "0.0%"
POINTS = "+0.0%;-0.0%;0.0%"  # a gap between rates, in percentage points
SIGNED = "+0;-0;0"
RATIO = "0.0"


# Formatting shared by both files -----------------------------------------------------------------------------------


def generated(figures: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(figures["generated_at"])


def show_met(met, text: dict) -> str:
    return "" if met is None else text["met"] if met else text["not_met"]


def show_rank(rank: dict | None) -> str:
    if not rank or rank["rank"] is None:
        return ""
    return f"{rank['rank']} / {rank['of']}"


def targets_met(place: dict, codes: list[str]) -> tuple[int, int]:
    """How many of a region's assessed figures meet their target, of how many are assessed."""
    assessed = [place["figures"][code]["met"] for code in codes if place["figures"][code].get("met") is not None]
    return sum(assessed), len(assessed)


def status_line(figures: dict, *, final: bool) -> str:
    text = figures["text"]
    finalised = figures.get("finalised")
    if not final:
        return text["draft_note"]
    if not finalised:
        return text["final"]
    return f"{text['final']} · {text['finalised_by']} {finalised['by']} · {finalised['at'][:16].replace('T', ' ')}"


# Excel -------------------------------------------------------------------------------------------------------------

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
MET_FONT = Font(color="176B2C")
UNMET_FONT = Font(color="BB0000")


def _header(cell, value):
    cell.value = value
    cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, WRAP


def _number(cell, value, number_format: str, *, no_data: str):
    """A figure as a number in its format; "no data" as text, never 0."""
    if value is None:
        cell.value = no_data
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = value
        cell.number_format = number_format
    cell.border = BOX


def _met(cell, met, text):
    cell.value = show_met(met, text) or None
    cell.font = MET_FONT if met else UNMET_FONT
    cell.border = BOX


def _sheet_title(label: str, taken: set) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    title = "".join(ch for ch in label if ch not in "[]:*?/\\")[:31] or "Sheet"
    while title in taken:
        title = f"{title[:28]}_{len(taken)}"
    taken.add(title)
    return title


def assessment_xlsx(figures: dict, *, final: bool) -> bytes:
    """The report as a workbook: a summary sheet for the region, then one sheet per level below it, with Chinese
    headers (the figures' words), frozen header rows, '0.0%' for rates, values only (no formulas)."""
    text = figures["text"]
    workbook = Workbook()
    taken: set = set()
    summary = workbook.active
    summary.title = _sheet_title(text["summary"], taken)
    _summary_sheet(summary, figures, final=final)
    for level in figures["levels"]:
        _level_sheet(workbook.create_sheet(_sheet_title(level["label"], taken)), figures, level)
    for sheet, title_rows in zip(workbook.worksheets, ["5:5", *("1:2" for _level in figures["levels"])], strict=True):
        _print_setup(sheet, title_rows=title_rows, number=_number_of(figures, final=final))
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = "Sunshine"
    properties.title = f"{figures['region']['name']} {figures['year']} {text['title']}"
    return workbook_bytes(workbook, created=generated(figures))


def _number_of(figures: dict, *, final: bool) -> str:
    """The document number of a finalised report (a draft has none)."""
    document = figures.get("document") or {}
    return (document.get("number") or "") if final else ""


def _print_setup(sheet, *, title_rows: str, number: str) -> None:
    """A4 landscape, fit to one page wide, the header rows repeated on every page, and a footer with the page
    number and the document number."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = "&P / &N"
    if number:
        sheet.oddFooter.right.text = number.replace("&", "&&")


def _summary_sheet(sheet, figures: dict, *, final: bool) -> None:
    text, labels, place = figures["text"], figures["labels"], figures["region"]
    rates = set(figures["rates"])
    sheet["A1"] = f"{place['name']}（{place['code']}） {figures['year']} {text['title']}"
    sheet["A1"].font = TITLE
    sheet["A2"] = status_line(figures, final=final)
    sheet["A2"].font = Font(bold=True, color="000000" if final else "BB0000")
    sheet["A3"] = f"{text['as_of']} {figures['snapshot_date']} · {text['generated_at']} {_when(figures)}"
    if number := _number_of(figures, final=final):
        sheet["A4"] = f"{figures['document']['office']} {number}"
    headers = [
        text["indicator"],
        text["numerator"],
        text["denominator"],
        text["value"],
        text["target"],
        text["derived"],
        text["gap"],
        text["assessment"],
        text["rank"],
    ]
    row = 5
    for column, value in enumerate(headers, start=1):
        _header(sheet.cell(row, column), value)
    sheet.freeze_panes = "A6"
    for code in figures["codes"]:
        row += 1
        figure, rate = place["figures"][code], code in rates
        sheet.cell(row, 1, labels[code]).border = BOX
        sheet.cell(row, 2, figure["numerator"]).border = BOX
        sheet.cell(row, 3, figure["denominator"]).border = BOX
        _number(sheet.cell(row, 4), figure["value"], PERCENT if rate else "0", no_data=text["no_data"])
        goal = figure.get("goal")
        if goal is not None:
            _number(sheet.cell(row, 5), goal, PERCENT if rate else "0", no_data="")
            sheet.cell(row, 6, text["derived"] if figure.get("derived") else None).border = BOX
            _number(sheet.cell(row, 7), figure.get("gap"), POINTS if rate else SIGNED, no_data="")
        _met(sheet.cell(row, 8), figure.get("met"), text)
        sheet.cell(row, 9, show_rank(place.get("rank", {}).get(code)) or None).border = BOX

    row += 2
    sheet.cell(row, 1, text["bases"]).font = BOLD
    row += 1
    for column, value in enumerate([text["indicator"], text["target"], text["built"], text["status"]], start=1):
        _header(sheet.cell(row, column), value)
    for base in figures["bases"]:
        row += 1
        sheet.cell(row, 1, base.get("short_label", base["label"])).border = BOX
        if base["goal"] is not None:
            _number(sheet.cell(row, 2), base["goal"], "0", no_data="")
        _number(sheet.cell(row, 3), base["value"], "0", no_data=text["no_data"])
        _met(sheet.cell(row, 4), base["met"], text)

    row += 2
    staff = place["staff"]
    sheet.cell(row, 1, text["staff"]).font = BOLD
    row += 1
    for column, value in enumerate(
        [text["current"], text["workers"], text["ratio"], text["norm"], text["assessment"]], start=1
    ):
        _header(sheet.cell(row, column), value)
    row += 1
    sheet.cell(row, 1, staff["current"]).border = BOX
    sheet.cell(row, 2, staff["workers"]).border = BOX
    _number(sheet.cell(row, 3), staff["ratio"], RATIO, no_data=text["no_data"])
    sheet.cell(row, 4, f"≤ {staff['norm']}").border = BOX
    _met(sheet.cell(row, 5), staff["met"], text)

    row += 2
    sheet.cell(row, 1, text["pairings"]).font = BOLD
    row += 1
    pairing_headers = ["unit", "region", "code", "paired_since", "until", "responsibilities"]
    for column, value in enumerate((text[key] for key in pairing_headers), start=1):
        _header(sheet.cell(row, column), value)
    for pairing in figures["pairings"]:
        row += 1
        values = [
            pairing["unit"],
            pairing["region_name"],
            pairing["region_code"],
            pairing["since"],
            pairing["until"],
            pairing["responsibilities"],
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value).border = BOX
    if not figures["pairings"]:
        sheet.cell(row + 1, 1, text["none"])
        row += 1

    row += 2
    sheet.cell(row, 1, text["notes"]).font = BOLD
    sheet.cell(row + 1, 1, figures.get("notes") or text["none"])
    for line, choice in enumerate(figures.get("choices") or [], start=row + 2):
        sheet.cell(line, 1, choice)
    for column, width in enumerate([34, 12, 12, 12, 12, 10, 10, 12, 14], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _when(figures: dict) -> str:
    return generated(figures).strftime("%Y-%m-%d %H:%M")


def _level_sheet(sheet, figures: dict, level: dict) -> None:
    """One row per region of the level: counts, then each rate with numerator, denominator, value, target and
    met, then the staff ratio. Two header rows (group, detail), frozen with the region columns."""
    text, labels = figures["text"], figures["labels"]
    rates = set(figures["rates"])
    fixed = [text["code"], text["region"], text["within"]]
    for column, value in enumerate(fixed, start=1):
        _header(sheet.cell(1, column), value)
        _header(sheet.cell(2, column), None)
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    column = len(fixed)
    layout = []  # (code, part) per column
    for code in figures["codes"]:
        parts = ["numerator", "denominator", "value", "target", "assessment"] if code in rates else ["value"]
        _header(sheet.cell(1, column + 1), labels[code])
        for offset, part in enumerate(parts, start=1):
            _header(sheet.cell(2, column + offset), text[part])
            layout.append((code, part))
        if len(parts) > 1:
            sheet.merge_cells(start_row=1, start_column=column + 1, end_row=1, end_column=column + len(parts))
        column += len(parts)
    staff_parts = ["workers", "ratio", "assessment"]
    _header(sheet.cell(1, column + 1), text["staff"])
    for offset, part in enumerate(staff_parts, start=1):
        _header(sheet.cell(2, column + offset), text[part])
    sheet.merge_cells(start_row=1, start_column=column + 1, end_row=1, end_column=column + len(staff_parts))
    sheet.freeze_panes = "D3"
    sheet.row_dimensions[1].height = 30
    no_data = text["no_data"]
    for row, place in enumerate(level["regions"], start=3):
        sheet.cell(row, 1, place["code"])
        sheet.cell(row, 2, place["name"])
        sheet.cell(row, 3, place["parent_name"])
        for column, (code, part) in enumerate(layout, start=len(fixed) + 1):
            figure, rate = place["figures"][code], code in rates
            cell = sheet.cell(row, column)
            if part in ("numerator", "denominator"):
                cell.value = figure[part]
            elif part == "value":
                _number(cell, figure["value"], PERCENT if rate else "0", no_data=no_data)
            elif part == "target":
                if figure.get("goal") is not None:
                    _number(cell, figure["goal"], PERCENT, no_data="")
            else:
                _met(cell, figure.get("met"), text)
        staff, column = place["staff"], len(fixed) + len(layout) + 1
        sheet.cell(row, column, staff["workers"])
        _number(sheet.cell(row, column + 1), staff["ratio"], RATIO, no_data=no_data)
        _met(sheet.cell(row, column + 2), staff["met"], text)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 14


# PDF ---------------------------------------------------------------------------------------------------------------

CHART_COLOURS = {True: "#2e8b57", False: "#c0392b", None: "#5b7fb0"}
# The columns of the level tables in the PDF (A4 landscape): the rates, then the bases opened in the year.
PDF_LEVEL_RATES = ["control_rate", "consolidation_rate", "placement_rate_urban", "whereabouts_rate", "report_rate"]
PDF_LEVEL_COUNTS = ["current", "bases_100_plus_opened", "bases_50_99_opened"]


def bar_chart_svg(bars: list[tuple[str, float | None, float | None, bool | None]], *, no_data: str) -> str:
    """Horizontal bars as SVG markup, drawn on the server (no script): one bar per (label, rate 0–1, goal, met),
    coloured by met / not met / no target, the goal marked by a black tick, the value written at the bar's end."""
    width, left, right, top, row = 640, 170, 70, 8, 22
    plot = width - left - right
    height = top + row * len(bars) + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    bottom = top + row * len(bars)
    for tick in (0, 25, 50, 75, 100):
        x = left + plot * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="#555">{tick}%</text>')
    for index, (label, value, goal, met) in enumerate(bars):
        y = top + row * index
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            out.append(f'<text x="{left + 4}" y="{y + 15}" fill="#777">{escape(no_data)}</text>')
        else:
            length = plot * max(0.0, min(value, 1.0))
            colour = CHART_COLOURS[met]
            out.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{colour}"/>')
            out.append(f'<text x="{left + length + 4:.1f}" y="{y + 15}">{100 * value:.1f}%</text>')
        if goal is not None:
            x = left + plot * max(0.0, min(goal, 1.0))
            out.append(f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + row - 1}" stroke="#111" ')
            out.append('stroke-width="2"/>')
    out.append("</svg>")
    return "".join(out)


def has_data(place: dict) -> bool:
    """A region with at least one registered person (the annexes list only these)."""
    return bool(place["figures"]["registered"]["value"])


def pdf_levels(figures: dict) -> list[dict]:
    """The levels the PDF's annexes show: the province's document stops at counties (the townships are in the
    Excel file), and a level lists only the regions with data."""
    levels = figures["levels"]
    if figures["region"]["level"] == "province":
        levels = [level for level in levels if level["level"] != "township"]
    return [{**level, "regions": [p for p in level["regions"] if has_data(p)]} for level in levels]


def document_frame(figures: dict, *, final: bool) -> dict:
    """The official-document frame (GB/T 9704-2012 essentials) as strings: the issuing office's mark, the
    document number, title, main recipients, date, the correction note and the 版记 (copied to, printed by)."""
    from .writing import long_date

    text, document = figures["text"], figures["document"]
    dated = document.get("date")
    correction = document.get("correction") or {}
    return {
        "mark": f"{document['office']}{text['document_suffix']}",
        "office": document["office"],
        "number": document["number"] if final and document.get("number") else text["unnumbered"],
        "title": document["title"] + (f"（{text['corrected']}）" if correction else ""),
        "recipients": document["recipients"],
        "copy_to": document.get("copy_to") or "",
        "date": long_date(dated) if final and dated else text["undated"],
        "printed": f"{long_date(dated)}{text['printed']}" if final and dated else text["undated"],
        "correction": correction,
    }


def pdf_context(figures: dict, *, final: bool) -> dict:
    """Everything the print template shows, as strings: no formatting is left to the template's locale."""
    text, labels, place = figures["text"], figures["labels"], figures["region"]
    rates = set(figures["rates"])

    def row(code):
        figure, rate = place["figures"][code], code in rates
        goal, previous = figure.get("goal"), figure.get("previous")
        change = figure["value"] - previous if figure["value"] is not None and previous is not None else None
        return {
            "label": labels[code],
            "numerator": "" if figure["numerator"] is None else figure["numerator"],
            "denominator": "" if figure["denominator"] is None else figure["denominator"],
            "value": formatting.figure(figure["value"], rate=rate, no_data=text["no_data"]),
            "goal": "" if goal is None else formatting.figure(goal, rate=rate, no_data=text["no_data"]),
            "derived": bool(figure.get("derived")),
            "gap": formatting.gap(figure.get("gap"), rate=rate),
            "met": figure.get("met"),
            "met_text": show_met(figure.get("met"), text),
            "rank": show_rank(place.get("rank", {}).get(code)),
            "change": formatting.gap(change, rate=True),
        }

    def bar(label, figure):
        return label, figure["value"], figure.get("goal"), figure.get("met")

    chart = bar_chart_svg(
        [bar(labels[code], place["figures"][code]) for code in figures["chart_rates"]], no_data=text["no_data"]
    )
    shown = pdf_levels(figures)
    columns_codes = PDF_LEVEL_COUNTS[:1] + PDF_LEVEL_RATES + PDF_LEVEL_COUNTS[1:]
    levels = []
    for depth, level in enumerate(shown):
        rows = []
        for child in level["regions"]:
            met, assessed = targets_met(child, figures["codes"])
            cells = []
            for code in columns_codes:
                figure = child["figures"][code]
                cells.append(
                    {
                        "text": formatting.figure(figure["value"], rate=code in rates, no_data=text["no_data"]),
                        "met": figure.get("met"),
                    }
                )
            ratio = child["staff"]["ratio"]
            cells.append({"text": text["no_data"] if ratio is None else f"{ratio:.1f}", "met": child["staff"]["met"]})
            cells.append({"text": f"{met} / {assessed}" if assessed else "", "met": None})
            rows.append({"code": child["code"], "name": child["name"], "within": child["parent_name"], "cells": cells})
        levels.append(
            {
                "label": level["label"],
                "within": depth > 0,
                "columns": [*(labels[code] for code in columns_codes), text["ratio"], text["targets_met"]],
                "rows": rows,
            }
        )
    finalised = figures.get("finalised") or {}
    if finalised:
        finalised = {"by": finalised["by"], "at": finalised["at"][:16].replace("T", " ")}
    # The annexes, numbered: the indicators, the bases, staff and pairings, then one per level below.
    annexes = [text["annex_indicators"], text["annex_bases"], text["annex_staff"]]
    annexes += [f"{text['levels']} · {level['label']}" for level in levels]
    return {
        "draft": not final,
        "final": final,
        "text": text,
        "place": place,
        "year": figures["year"],
        "as_of": figures["snapshot_date"],
        "generated": _when(figures),
        "status": status_line(figures, final=final),
        "finalised": finalised,
        "document": document_frame(figures, final=final),
        "body": figures.get("body") or [],
        "choices": figures.get("choices") or [],
        "annexes": annexes,
        "township_detail": figures["region"]["level"] == "province" and len(levels) < len(figures["levels"]),
        "rows": [row(code) for code in figures["codes"] if not code.endswith("_opened")],  # bases: their own table
        "chart": mark_safe(chart),  # noqa: S308 - built here from escaped labels and numbers
        "bases": [
            {
                "label": base.get("short_label", base["label"]),
                "value": formatting.figure(base["value"], rate=False, no_data=text["no_data"]),
                "goal": "" if base["goal"] is None else f"{base['goal']:g}",
                "short": "" if base["goal"] is None else f"{max(0, base['goal'] - (base['value'] or 0)):g}",
                "met": base["met"],
                "met_text": show_met(base["met"], text),
            }
            for base in figures["bases"]
        ],
        "staff": {
            **place["staff"],
            "ratio_text": text["no_data"] if place["staff"]["ratio"] is None else f"{place['staff']['ratio']:.1f}",
            "met_text": show_met(place["staff"]["met"], text),
        },
        "pairings": figures["pairings"],
        "notes": figures.get("notes") or "",
        "levels": levels,
    }


def assessment_pdf(figures: dict, *, final: bool) -> bytes:
    """The report as PDF: a cover (region, year, generation time, draft or who finalised it), the indicators
    against targets with met / not met and rank, charts drawn as SVG here, bases built, staff ratio, pairing
    units, notes, and a table per level below. Same figures, same bytes (``render_pdf`` pins the metadata)."""
    with translation.override(figures["language"]):  # the frame's words and lang attribute: the report's language
        return render_pdf("reporting/print/assessment.html", pdf_context(figures, final=final))
