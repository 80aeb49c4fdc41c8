"""Welfare rows of the permission matrix (see tests/permission_matrix.py).

Benefits are seen like their person by the cast (hr_staff sees none: welfare is civil affairs' domain, and no
member of the cast is civil-affairs staff), so no ``SEES`` override. Decisions are civil affairs' alone: every
member of the cast who sees a benefit gets 403 on ``decide`` and ``end``; tests/welfare/test_benefits.py
covers the civil-affairs staff who may.
"""

from ..permission_matrix import PERSON_EDITORS, ObjectRoute, PersonRoute, SignedIn
from .factories import BenefitFactory

NOBODY_IN_THE_CAST = frozenset()

ROUTES = {
    "welfare:benefit_list": SignedIn(lists_persons=True),
    "welfare:benefit_apply": PersonRoute(editors=PERSON_EDITORS),
    "welfare:benefit_decide": ObjectRoute("benefit", editors=NOBODY_IN_THE_CAST),
    "welfare:benefit_end": ObjectRoute("benefit", editors=NOBODY_IN_THE_CAST),
    "api:benefit-list": SignedIn(),
    "api:benefit-detail": ObjectRoute("benefit"),
    "api:benefit-decide": ObjectRoute("benefit", editors=NOBODY_IN_THE_CAST, method="post"),
    "api:benefit-end": ObjectRoute("benefit", editors=NOBODY_IN_THE_CAST, method="post"),
}

BUILDERS = {"benefit": lambda person: BenefitFactory(person=person)}
