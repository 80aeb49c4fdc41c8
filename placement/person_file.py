"""What placement adds to the person's pathway, timeline, file and work list (registered from apps.ready)."""

import datetime as dt

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.pathway import PLACED, register_fact_source
from cases.sections import register_person_section
from cases.selectors import register_work_source, scoped, work_row
from cases.timeline import Entry, person_rows, register_timeline_source
from sunshine.access import may
from sunshine.db import AddDays

from .choices import PlacementMode
from .models import FollowUp, Loan, Placement

FOLLOW_UP_DAYS = 30  # dispersed placements are followed up monthly


@register_fact_source
def _placed(person_ids: list[int], day: dt.date) -> dict[int, set[str]]:
    placed = Placement.objects.filter(person_id__in=person_ids).active_on(day).values_list("person_id", flat=True)
    return {person_id: {PLACED} for person_id in placed}


@register_timeline_source
def _placements(person, user) -> list[Entry]:
    entries = []
    for placement in person_rows(person, user, Placement, "base", "employer"):
        where = placement.base or placement.employer or ""
        entries.append(
            Entry(placement.contract_start, _("Placement"), f"{placement.get_mode_display()} {where}", "good")
        )
        if placement.last_day and placement.last_day <= dt.date.today():
            entries.append(Entry(placement.last_day, _("Placement"), _("Contract ended")))
    for follow_up in person_rows(person, user, FollowUp):
        text = _("Still employed") if follow_up.still_employed else _("No longer employed")
        entries.append(Entry(follow_up.visited_on, _("Placement follow-up"), f"{text} {follow_up.notes}".strip()))
    return entries


@register_work_source(reads=(Placement, FollowUp), placement_follow_up=gettext_lazy("Placement follow-up"))
def _follow_ups(*, user, today: dt.date, region=None, persons=None) -> list[QuerySet]:
    """Dispersed placements are followed up every month, like visits: due a month after the last follow-up, or
    after the contract's start."""
    placements = (
        scoped(Placement, user=user, region=region, persons=persons)
        .filter(mode=PlacementMode.DISPERSED)
        .active_on(today)
    )
    last = FollowUp.objects.visible_to(user).filter(placement_id=OuterRef("pk")).order_by("-visited_on")
    counted_from = Coalesce(Subquery(last.values("visited_on")[:1]), F("contract_start"))
    return [work_row(placements, kind="placement_follow_up", due=AddDays(counted_from, Value(FOLLOW_UP_DAYS)))]


@register_person_section
def _placement_section(person, user) -> dict:
    return {
        "template": "placement/person_section.html",
        "placements": person_rows(person, user, Placement, "base", "employer"),
        "loans": person_rows(person, user, Loan),
        "can_place": may(user, "add", Placement),
        "can_decide_loans": may(user, "decide", Loan),
        "person": person,
    }
