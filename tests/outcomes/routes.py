import datetime as dt

from ..permission_matrix import RegionRoute, Roles, SignedIn
from ..reporting.routes import FIGURE_READERS, OFFICES

ROUTES = {
    # Offices, their own region by default (regions below and out of reach: tests/outcomes/test_outcomes.py).
    "outcomes:outcomes": Roles(OFFICES),
    "outcomes:export": Roles(OFFICES),
    "api:outcome-list": SignedIn(),
    # A region's outcomes are for the staff of that region and above, like its indicator snapshots.
    "api:outcome-detail": RegionRoute("outcome_report", editors=FIGURE_READERS),
}


def _outcome_report(county_code):
    from outcomes.models import OutcomeReport

    return OutcomeReport.objects.get_or_create(
        date=dt.date(2012, 12, 31), region_id=county_code, defaults={"data": {"suppressed": True, "groups": []}}
    )[0]


_outcome_report.per_region = True
BUILDERS = {"outcome_report": _outcome_report}
