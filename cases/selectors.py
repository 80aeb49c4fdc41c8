"""Reads of the cases app: every one takes the viewer and starts from ``visible_to``."""

import re

from django.db.models import Q, QuerySet

from sunshine.models import User

from .models import HEALTH_READERS, Person

_ID_FRAGMENT = re.compile(r"^[0-9]{4,17}[0-9xX]?$")


def may_see_health(user: User) -> bool:
    """HIV and infection status: the person's township worker and county officers only (DESIGN §3)."""
    return user.role in HEALTH_READERS


def person_list(*, user: User, query: str = "") -> QuerySet[Person]:
    """Persons the user may see, optionally searched by name, ID number (full or trailing digits) or initials."""
    persons = Person.objects.visible_to(user).select_related("township")
    query = query.strip()
    if not query:
        return persons
    if _ID_FRAGMENT.match(query):
        return persons.filter(id_number__endswith=query.upper())
    return persons.filter(Q(name__contains=query) | Q(name_initials__startswith=query.lower()))
