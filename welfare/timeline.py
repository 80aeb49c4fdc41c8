"""Benefits on the person's timeline: the application, the decision and the end."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.timeline import Entry, register_timeline_source

from .choices import BenefitStatus
from .models import Benefit


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
    for benefit in Benefit.objects.visible_to(user).filter(person=person):
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
