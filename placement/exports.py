"""The placement app's workbooks, written by the one spreadsheet writer (``sunshine.spreadsheets``)."""

import datetime as dt

from django.utils.translation import gettext as _
from openpyxl import Workbook

from sunshine.access import holds_lawful_grant
from sunshine.models import User
from sunshine.spreadsheets import workbook_bytes

from .selectors import tax_relief_list


def tax_relief_xlsx(*, user: User, day: dt.date) -> bytes:
    """The tax-relief eligibility lists of ``user``'s scope on ``day``: one sheet per employer list, one for the
    self-employed; a sealed person opened by a lawful query puts the confidentiality line on top."""
    workbook = Workbook()
    for index, (title, self_employed) in enumerate(((_("Employers"), False), (_("Self-employed"), True))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        if holds_lawful_grant(user):
            sheet.append([_("Sealed · lawful query · keep confidential")])
        sheet.append([_("Employer"), _("Name"), _("ID number"), _("Certificate"), _("Hired on"), _("Relief until"),
                      _("Days left")])  # fmt: skip
        sheet.freeze_panes = f"A{sheet.max_row + 1}"
        for row in tax_relief_list(user=user, day=day, self_employed=self_employed):
            p = row.placement
            employer = p.employer or (p.base.employer if p.base else None) or p.base or ""
            sheet.append([str(employer), p.person.name, p.person.id_number, p.employment_certificate,
                          p.contract_start, p.tax_relief_until, row.remaining_days])  # fmt: skip
    return workbook_bytes(workbook)
