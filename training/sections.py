"""The training section of the home page (registered from apps.ready)."""

from cases.sections import register_home_section
from sunshine.access import may
from sunshine.choices import Role

from .models import Enrolment
from .selectors import courses_awaiting_progress


@register_home_section
def _courses(user, today) -> dict | None:
    """HR staff: the courses whose enrolled persons await attendance or completion."""
    if user.role != Role.DEPARTMENT_STAFF or not may(user, "change", Enrolment):
        return None
    return {"template": "training/home_section.html", "courses": courses_awaiting_progress(user=user, today=today)}
