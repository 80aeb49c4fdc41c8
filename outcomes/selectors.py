"""Reads of the stored outcomes, through the viewer's scope. The page, the export and the API share them."""

from django.utils.translation import gettext_lazy as _

from sunshine.models import Region, User
from sunshine.views import chosen_region

from .models import OutcomeReport
from .services import LEVELS
from .survival import LANDMARK_MONTHS, MILESTONES

SUPPRESSED = _("Too few persons to show")  # 人数过少，不予显示
DIMENSIONS = {
    "cohort": _("Cohort (year the measure started)"),
    "drug": _("Drug type"),
    "placement": _("Placement (landmark at month 6)"),
    "training": _("Training (landmark at month 6)"),
}
KEYS = {
    ("drug", "heroin"): _("Heroin"),
    ("drug", "methamphetamine"): _("Methamphetamine"),
    ("drug", "other"): _("Other drugs"),
    ("placement", "yes"): _("Placed by month 6"),
    ("placement", "no"): _("Not placed by month 6"),
    ("training", "yes"): _("Training completed by month 6"),
    ("training", "no"): _("Training not completed by month 6"),
}


def outcome_region(*, user: User, code: str | None) -> Region | None:
    """The region asked for (the user's own by default) if it is theirs or below it and outcomes are kept for
    its level; otherwise None (the caller answers 404). A region out of reach is not found (``chosen_region``)."""
    region = chosen_region(user, code, default=user.region)
    return region if region is not None and region.level in LEVELS else None


def outcome_report(*, user: User, region: Region) -> OutcomeReport | None:
    """The latest stored outcomes of ``region`` the user may see."""
    return OutcomeReport.objects.visible_to(user).filter(region=region).order_by("-date").first()


def outcome_children(*, region: Region) -> list[Region]:
    """The regions one level below ``region`` that outcomes are kept for (a county has none)."""
    return list(Region.objects.filter(parent=region, level__in=LEVELS).order_by("code"))


def group_label(group: dict) -> str:
    return str(KEYS.get((group["dimension"], group["key"]), group["key"]))


def outcome_rows(data: dict) -> list[dict]:
    """The table of the page and the export: one row per group (the whole region first), each with its label,
    and either ``suppressed`` or persons, relapses, the median in months and the 6/12/24-month proportions."""
    rows = [{"dimension": "", "label": str(_("All measures")), **data}]
    rows += [{**group, "dimension": str(DIMENSIONS[group["dimension"]]), "label": group_label(group)}
             for group in data.get("groups", [])]  # fmt: skip
    for row in rows:
        row["at"] = [(row.get("milestones") or {}).get(str(month)) for month in MILESTONES]
    return rows


def chart_data(data: dict) -> dict:
    """The curves drawn on the page: the whole region, and each pathway's two landmark groups, with their
    bands; groups that are suppressed are left out (the table says so)."""

    def series(label, group):
        return {"name": str(label), "points": group.get("km", [])}

    charts = {"overall": [series(_("All measures"), data)] if not data["suppressed"] else []}
    for dimension in ("placement", "training", "cohort"):
        charts[dimension] = [
            series(group_label(group), group)
            for group in data.get("groups", [])
            if group["dimension"] == dimension and not group["suppressed"]
        ]
    return {"charts": charts, "landmark": LANDMARK_MONTHS}
