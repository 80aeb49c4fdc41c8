"""The welfare section of a person's file (registered from apps.ready)."""

from cases.views import register_home_section, register_person_section
from sunshine.choices import Role

from . import services
from .models import Benefit
from .selectors import applications_to_decide


@register_person_section
def _benefits(person, user) -> dict:
    return {
        "template": "welfare/person_section.html",
        "benefits": Benefit.objects.visible_to(user).filter(person=person),
        "can_apply": user.role in (Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER),
        "person": person,
    }


@register_home_section
def _applications(user, today) -> dict | None:
    """Civil-affairs staff: the welfare applications to decide."""
    if not services.is_civil_affairs(user):
        return None
    return {"template": "welfare/home_section.html", "benefits": applications_to_decide(user=user)}
