"""Welfare rows of the permission matrix (see tests/permission_matrix.py).

Benefits are seen like their person by the cast (hr_staff sees none: welfare is civil affairs' domain, and no
member of the cast is civil-affairs staff), so no ``SEES`` override. Decisions are civil affairs' alone: every
member of the cast who sees a benefit gets 403 on ``decide`` and ``end``; tests/welfare/test_benefits.py
covers the civil-affairs staff who may.
"""

from ..permission_matrix import ObjectRoute, PersonRoute, SignedIn
from .factories import BenefitFactory

ROUTES = {
    "welfare:benefit_list": SignedIn(lists_persons=True),
    "welfare:benefit_apply": PersonRoute(action="add", model="welfare.Benefit"),
    "welfare:benefit_decide": ObjectRoute("benefit", action="decide"),
    "welfare:benefit_end": ObjectRoute("benefit", action="end"),
    "api:benefit-list": SignedIn(),
    "api:benefit-detail": ObjectRoute("benefit"),
    "api:benefit-decide": ObjectRoute("benefit", action="decide", method="post"),
    "api:benefit-end": ObjectRoute("benefit", action="end", method="post"),
}

BUILDERS = {"benefit": lambda person: BenefitFactory(person=person)}
