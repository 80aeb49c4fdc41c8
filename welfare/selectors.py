"""Reads of the welfare app: every one takes the viewer and starts from ``visible_to``."""

from django.db.models import QuerySet

from sunshine.models import User

from .choices import BenefitStatus
from .models import Benefit


def benefit_list(*, user: User) -> QuerySet[Benefit]:
    """Benefits the user may see, with what a list shows of each (pending applications first)."""
    benefits = Benefit.objects.visible_to(user).select_related("person__township", "decided_by")
    return benefits.order_by("status", "-applied_on", "-id")


def applications_to_decide(*, user: User, limit: int = 100) -> QuerySet[Benefit]:
    """Applications awaiting a decision, the longest waiting first: civil-affairs staff's work."""
    benefits = Benefit.objects.visible_to(user).filter(status=BenefitStatus.APPLIED).select_related("person__township")
    return benefits.order_by("applied_on", "id")[:limit]
