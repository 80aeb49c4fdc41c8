import datetime as dt

from ..permission_matrix import RegionRoute, Roles, SignedIn

ROUTES = {
    "reporting:pairing_list": SignedIn(),
    "reporting:pairing_create": Roles(frozenset({"province_officer"})),
    "reporting:pairing_update": RegionRoute("pairing", editors={"province_officer": {"a", "c", "z"}}),
}


def _pairing(county_code):
    from reporting.models import Pairing

    return Pairing.objects.create(unit="省人社厅", region_id=county_code, since=dt.date(2011, 10, 1))


_pairing.per_region = True
BUILDERS = {"pairing": _pairing}
