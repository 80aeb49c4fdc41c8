"""The welfare section of a person's file (registered from apps.ready)."""

from cases.sections import register_home_section, register_person_section
from sunshine.access import may

from .models import Benefit
from .selectors import applications_to_decide


@register_person_section
def _benefits(person, user) -> dict:
    return {
        "template": "welfare/person_section.html",
        "benefits": Benefit.objects.visible_to(user).filter(person=person),
        "can_apply": may(user, "add", Benefit),
        "person": person,
    }


@register_home_section
def _applications(user, today) -> dict | None:
    """Civil-affairs staff: the welfare applications to decide."""
    if not may(user, "decide", Benefit):
        return None
    return {"template": "welfare/home_section.html", "benefits": applications_to_decide(user=user)}
