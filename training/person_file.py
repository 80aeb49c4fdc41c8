"""How training extends the person's file, in one place (registered from apps.ready): the pathway facts
(cases.pathway), the timeline entries (cases.timeline), the file section and the home page section (cases.sections)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.pathway import TRAINING, register_fact_source
from cases.sections import register_home_section, register_person_section
from cases.timeline import Entry, person_rows, register_timeline_source
from sunshine.access import may
from sunshine.choices import Role

from .choices import EnrolmentStatus
from .models import Enrolment
from .selectors import courses_awaiting_progress


@register_fact_source
def training_facts(person_ids: list[int], day: dt.date) -> dict[int, set[str]]:
    """TRAINING for persons with an approved enrolment in a course started by ``day`` and not withdrawn by then.

    The caller obtained ``person_ids`` through the scope; this only computes facts about them.
    """
    rows = (
        Enrolment.objects.filter(
            person_id__in=person_ids,
            approved_on__isnull=False,
            enrolled_on__lte=day,
            course__start_date__lte=day,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .values_list("person_id", flat=True)
        .distinct()
    )
    facts: dict[int, set[str]] = defaultdict(set)
    for person_id in rows:
        facts[person_id].add(TRAINING)
    return facts


@register_timeline_source
def training_timeline(person, user) -> list[Entry]:
    """Enrolments, withdrawals and completions the user may see."""
    category = _("Skills training")
    entries = []
    for enrolment in person_rows(person, user, Enrolment, "course"):
        course = enrolment.course
        text = _("Enrolled in %(course)s") % {"course": course}
        if enrolment.status == EnrolmentStatus.AWAITING_APPROVAL:
            text = f"{text} · {enrolment.get_status_display()}"
        entries.append(Entry(enrolment.enrolled_on, category, text))
        if enrolment.withdrawn_on:
            entries.append(Entry(enrolment.withdrawn_on, category, _("Withdrew from %(course)s") % {"course": course}))
        if enrolment.completed and enrolment.completed_on:
            text = _("Completed %(course)s, certificate %(number)s") % {
                "course": course,
                "number": enrolment.certificate_number,
            }
            entries.append(Entry(enrolment.completed_on, category, text, tone="good"))
    return entries


@register_person_section
def training_section(person, user) -> dict:
    return {
        "template": "training/person_section.html",
        "enrolments": person_rows(person, user, Enrolment, "course"),
        "can_enrol": may(user, "add", Enrolment) and user.role != Role.DEPARTMENT_STAFF,
        "person": person,
    }


@register_home_section
def _courses(user, today) -> dict | None:
    """HR staff: the courses whose enrolled persons await attendance or completion."""
    if user.role != Role.DEPARTMENT_STAFF or not may(user, "change", Enrolment):
        return None
    return {"template": "training/home_section.html", "courses": courses_awaiting_progress(user=user, today=today)}
