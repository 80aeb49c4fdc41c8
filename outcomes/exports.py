"""The outcomes of a region as an Excel workbook: the table of groups with the hazard ratios, and every curve's
monthly points. Suppressed groups carry the words, never a number. Written by the one spreadsheet writer
(``sunshine.spreadsheets``: values only, formula-like text kept as text)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sunshine.spreadsheets import workbook_bytes

from .models import OutcomeReport
from .selectors import SUPPRESSED, outcome_rows
from .survival import MILESTONES


def _headers(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def outcomes_xlsx(report: OutcomeReport) -> bytes:
    data = report.data
    suppressed = str(SUPPRESSED)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")
    at = [_("Relapse-free at %(months)s months") % {"months": month} for month in MILESTONES]
    _headers(summary, [_("Group"), _("Subgroup"), _("Persons"), _("Relapses"), _("Median months to relapse"), *at])
    curves = workbook.create_sheet(_("Curves"))
    _headers(curves, [_("Group"), _("Subgroup"), _("Month"), _("At risk"), _("Relapse-free"), _("Lower 95%"),
                      _("Upper 95%")])  # fmt: skip
    for row in outcome_rows(data):
        if row["suppressed"]:
            summary.append([row["dimension"], row["label"], suppressed])
            curves.append([row["dimension"], row["label"], suppressed])
            continue
        figures = [row["persons"], row["relapses"], row["median_months"], *row["at"]]
        summary.append([row["dimension"], row["label"], *figures])
        for point in row["km"]:
            curves.append([row["dimension"], row["label"], point["month"], point["at_risk"], point["survival"],
                           point["lower"], point["upper"]])  # fmt: skip
    summary.append([])
    heading = _("Hazard ratio (time-varying Cox model, adjusted)")
    summary.append([heading, "", _("Value"), _("Lower 95%"), _("Upper 95%")])
    names = {"placement": _("Placement"), "training": _("Training completed")}
    for name, ratio in report.summary()["hazard_ratio"].items():
        if data["suppressed"]:
            summary.append([names[name], "", suppressed])
        elif ratio is None:
            summary.append([names[name], "", _("Not estimable")])
        else:
            summary.append([names[name], "", ratio["value"], ratio["lower"], ratio["upper"]])
    summary.append([_("An association, not proof that placement or training causes fewer relapses.")])
    return workbook_bytes(workbook)
