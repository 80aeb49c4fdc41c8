import datetime as dt

from ..permission_matrix import RegionRoute, Roles, SignedIn

FIGURE_READERS = {
    "county_officer": {"a"},
    "other_county_officer": {"c"},
    "prefecture_officer": {"a", "c"},
    "province_officer": {"a", "c", "z"},
}

BULLETIN_READERS = frozenset(FIGURE_READERS)

OFFICES = frozenset({"county_officer", "other_county_officer", "prefecture_officer", "province_officer"})

ROUTES = {
    "reporting:dashboard": Roles(OFFICES),
    "reporting:pairing_list": SignedIn(),
    "reporting:pairing_create": Roles(frozenset({"province_officer"})),
    "reporting:pairing_update": RegionRoute("pairing", editors={"province_officer": {"a", "c", "z"}}),
    "api:indicator-list": SignedIn(),
    "api:target-list": SignedIn(),
    "api:target-detail": RegionRoute("target"),
    # A region's figures are for the staff of that region and above (workers' townships hold none of these).
    "api:indicator-detail": RegionRoute("snapshot", editors=FIGURE_READERS),
    "reporting:drill_down": RegionRoute("snapshot", editors=FIGURE_READERS),
    # Officers of a county and above, for their own region (the default) and below; other regions: test_bulletin.
    "reporting:bulletin": Roles(BULLETIN_READERS),
    "reporting:bulletin_pdf": Roles(BULLETIN_READERS, method="post"),  # starts a job; without a month: the page
    # The assessment report: offices, their own region by default (other regions: tests/reporting/test_assessment.py).
    # Exporting and finalising are POSTs that start a background job; an empty form comes back with its errors.
    "reporting:assessment": Roles(OFFICES),
    "reporting:assessment_export": Roles(OFFICES, method="post"),
    "reporting:assessment_finalise": Roles(frozenset({"province_officer"}), method="post"),
    # A corrected version: the provincial committee, for a report in force; everyone else as if it were missing.
    "reporting:assessment_correct": RegionRoute("assessment", editors={"province_officer": {"a", "c", "z"}}),
}


def _pairing(county_code):
    from reporting.models import Pairing

    return Pairing.objects.create(unit="省人社厅", region_id=county_code, since=dt.date(2011, 10, 1))


_pairing.per_region = True


def _snapshot(county_code):
    from reporting.models import IndicatorSnapshot

    return IndicatorSnapshot.objects.get_or_create(
        date=dt.date(2012, 12, 31), region_id=county_code, indicator="control_rate", numerator=3, denominator=4
    )[0]


_snapshot.per_region = True


def _target(county_code):
    from reporting.models import Target

    return Target.objects.create(
        indicator="control_rate", region_id=county_code, target_value=0.8, deadline=dt.date(2013, 12, 31)
    )


_target.per_region = True


def _assessment(county_code):
    from django.utils import timezone

    from reporting.models import AssessmentReport

    from ..factories import StaffFactory

    # who finalised it does not matter here; a provincial account would confuse the job builder's owner lookup
    existing = AssessmentReport.objects.filter(region_id=county_code, year=2012).first()
    if existing:
        return existing
    officer = StaffFactory(username=f"finaliser_{county_code}", role="sysadmin")
    return AssessmentReport.objects.create(
        region_id=county_code,
        year=2012,
        figures={},
        snapshot_date=dt.date(2012, 12, 31),
        finalised_by=officer,
        finalised_at=timezone.now(),
        sha256_xlsx="0" * 64,
        sha256_pdf="0" * 64,
    )


_assessment.per_region = True
BUILDERS = {"pairing": _pairing, "snapshot": _snapshot, "target": _target, "assessment": _assessment}
