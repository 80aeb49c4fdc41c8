"""How welfare extends the person's file, in one place (registered from apps.ready): the timeline entries
(cases.timeline: the application, the decision and the end), the file section and the home page section
(cases.sections)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.sections import register_home_section, register_person_section
from cases.timeline import Entry, person_rows, register_timeline_source
from sunshine.access import may

from .choices import BenefitStatus
from .models import Benefit
from .selectors import applications_to_decide


@register_person_section
def _benefits(person, user) -> dict:
    return {
        "template": "welfare/person_section.html",
        "benefits": person_rows(person, user, Benefit),
        "can_apply": may(user, "add", Benefit),
        "person": person,
    }


@register_home_section
def _applications(user, today) -> dict | None:
    """Civil-affairs staff: the welfare applications to decide."""
    if not may(user, "decide", Benefit):
        return None
    return {"template": "welfare/home_section.html", "benefits": applications_to_decide(user=user)}


def _amount(benefit: Benefit) -> str:
    if benefit.amount is None:
        return ""
    if benefit.is_monthly:
        return _("%(amount)s yuan a month") % {"amount": benefit.amount}
    return _("%(amount)s yuan once") % {"amount": benefit.amount}


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


@register_timeline_source
def benefit_entries(person, user) -> list[Entry]:
    # "benefit status" context: "Refused" alone is already a urine-test result.
    entries = []
    for benefit in person_rows(person, user, Benefit):
        kind = benefit.get_kind_display()
        entries.append(Entry(benefit.applied_on, kind, _joined(_("Applied for"), benefit.application_notes)))
        if benefit.status == BenefitStatus.REFUSED:
            text = _joined(pgettext("benefit status", "Refused"), benefit.decision_notes)
            entries.append(Entry(benefit.decided_on, kind, text, "bad"))
        elif benefit.decided_on:
            text = _joined(pgettext("benefit status", "Approved"), _amount(benefit), benefit.decision_notes)
            entries.append(Entry(benefit.decided_on, kind, text, "good"))
        if benefit.ends_on:
            entries.append(Entry(benefit.ends_on, kind, pgettext("benefit status", "Ended")))
    return entries
