from ..permission_matrix import (
    COUNTY,
    COUNTY_EDITS,
    PERSON_EDITORS,
    ObjectRoute,
    PersonRoute,
    RegionRoute,
    Roles,
    SignedIn,
)
from .factories import PlacementFactory, base_in, employer_in

OFFICERS = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer"})

ROUTES = {
    "placement:base_list": SignedIn(),
    "placement:base_create": Roles(COUNTY),
    "placement:base_detail": RegionRoute("base"),
    "placement:base_update": RegionRoute("base", editors=COUNTY_EDITS),
    "placement:subsidy_create": RegionRoute("base", editors={"province_officer": {"a", "c", "z"}}, refuse=403),
    "placement:subsidies": Roles(OFFICERS),
    "placement:employer_list": SignedIn(),
    "placement:employer_create": Roles(COUNTY),
    "placement:employer_update": RegionRoute("employer", editors=COUNTY_EDITS),
    "placement:placement_create": PersonRoute(editors=PERSON_EDITORS),
    "placement:placement_update": ObjectRoute("placement", editors=PERSON_EDITORS),
    "placement:follow_up_create": ObjectRoute("placement", editors=PERSON_EDITORS),
    "placement:loan_apply": PersonRoute(editors=PERSON_EDITORS),
    "placement:loan_decide": ObjectRoute("loan", editors=COUNTY),
    "placement:tax_relief": SignedIn(),
    "placement:tax_relief_export": SignedIn(),
    "api:placement-base-list": SignedIn(),
    "api:placement-base-detail": RegionRoute("base"),
    "api:employer-list": SignedIn(),
    "api:employer-detail": RegionRoute("employer"),
    "api:placement-list": SignedIn(lists_persons=False),
    "api:placement-detail": ObjectRoute("placement"),
    "api:placement-follow-up-list": SignedIn(),
    "api:placement-follow-up-detail": ObjectRoute("follow_up"),
}


def _follow_up(person):
    from placement.models import FollowUp

    placement = PlacementFactory(person=person)
    return FollowUp.objects.create(person=person, placement=placement, visited_on=placement.contract_start)


def _loan(person):
    import datetime as dt

    from placement.models import Loan

    return Loan.objects.create(person=person, applied_on=dt.date(2012, 1, 1), amount=20000)


BUILDERS = {
    "base": base_in,
    "employer": employer_in,
    "placement": lambda person: PlacementFactory(person=person),
    "follow_up": _follow_up,
    "loan": _loan,
}
