"""The welfare section of a person's file (registered from apps.ready)."""

from cases.views import register_person_section
from sunshine.access import may

from .models import Benefit


@register_person_section
def _benefits(person, user) -> dict:
    return {
        "template": "welfare/person_section.html",
        "benefits": Benefit.objects.visible_to(user).filter(person=person),
        "can_apply": may(user, "add", Benefit),
        "person": person,
    }
