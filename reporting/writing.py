"""The written body of the assessment report (考核): plain sentences made from its figures, in the active language.

``body(figures)`` reads only the figures of ``reporting.assessment.assessment_figures`` and returns the body's
paragraphs; the report stores them with its figures, so a finalised report keeps its words. For each rate the
sentence gives the value against the target in force on the figures' date, met or not, the gap in percentage
points, the rank among the regions beside it and the change since the previous year's figures; then the best and
the worst region of the level below, the bases built against the yearly targets and the staff ratio.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from cases.choices import MeasureKind
from sunshine.formatting import percent, points

# The rates the body speaks of, in this order: the three with the opinion's targets first.
BODY_RATES = ["control_rate", "consolidation_rate", "placement_rate_urban", "whereabouts_rate", "report_rate"]
# Regions named best and worst on these (the rates that carry targets).
COMPARED_RATES = ["control_rate", "consolidation_rate", "placement_rate_urban"]


def long_date(day: dt.date | str) -> str:
    """A date as an official document writes it (2013年12月31日)."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": day.year, "month": day.month, "day": day.day}


def _sentence(clauses: list[str]) -> str:
    return _("; ").join(clauses) + _(".")


def _rate_sentence(figures: dict, code: str) -> str:
    place, labels = figures["region"], figures["labels"]
    figure = place["figures"][code]
    label = labels[code]
    if figure["value"] is None:
        return _("%(indicator)s: no data (no one in its denominator)") % {"indicator": label} + _(".")
    words = {
        "indicator": label,
        "value": percent(figure["value"]),
        "numerator": figure["numerator"],
        "denominator": figure["denominator"],
    }
    clauses = [_("%(indicator)s was %(value)s (%(numerator)s of %(denominator)s)") % words]
    if figure.get("goal") is not None:
        goal = percent(figure["goal"])
        if figure.get("derived"):
            goal = _("%(goal)s (a derived yearly milestone)") % {"goal": goal}
        clauses[0] += _(", against a target of %(goal)s") % {"goal": goal}
        gap = figure["gap"]
        if round(100 * gap, 1) == 0:
            clauses[0] += _(", target met")
        elif gap > 0:
            clauses[0] += _(", target met, %(gap)s percentage points above it") % {"gap": points(gap, signed=False)}
        else:
            clauses[0] += _(", target not met, %(gap)s percentage points short") % {"gap": points(gap, signed=False)}
    rank = place.get("rank", {}).get(code)
    if rank and rank["rank"] is not None and figures.get("siblings"):
        clauses.append(
            _("ranked %(rank)s of %(of)s among the %(level)s of %(parent)s")
            % {"rank": rank["rank"], "of": rank["of"], "level": figures["siblings"], "parent": place["parent_name"]}
        )
    previous = figure.get("previous")
    if previous is not None and figures.get("previous_date"):
        change, since = figure["value"] - previous, long_date(figures["previous_date"])
        words = {"change": points(change, signed=False), "date": since}
        if round(100 * change, 1) == 0:
            clauses.append(_("unchanged since %(date)s") % {"date": since})
        elif change > 0:
            clauses.append(
                _("up %(change)s percentage points since %(date)s")
                % {"change": points(change, signed=False), "date": since}
            )
        else:
            clauses.append(
                _("down %(change)s percentage points since %(date)s")
                % {"change": points(change, signed=False), "date": since}
            )
    return _sentence(clauses)


def _best_and_worst(figures: dict) -> list[str]:
    """For each compared rate, the highest and the lowest region of the first level below (with data)."""
    if not figures["levels"]:
        return []
    level = figures["levels"][0]
    sentences = []
    for code in COMPARED_RATES:
        found = [(p["figures"][code]["value"], p["code"], p["name"]) for p in level["regions"]]
        found = sorted((value, code_, name) for value, code_, name in found if value is not None)
        if len(found) < 2 or found[0][0] == found[-1][0]:
            continue
        (low, _c1, worst), (high, _c2, best) = found[0], found[-1]
        sentences.append(
            _("%(level)s: highest %(indicator)s %(best)s (%(high)s), lowest %(worst)s (%(low)s)")
            % {
                "level": level["label"],
                "indicator": figures["labels"][code],
                "best": best,
                "high": percent(high),
                "worst": worst,
                "low": percent(low),
            }
            + _(".")
        )
    return sentences


def _bases_sentence(figures: dict) -> str | None:
    clauses = []
    for base in figures["bases"]:
        if base["goal"] is None:
            continue
        words = {"label": base["short_label"], "value": base["value"] or 0, "goal": f"{base['goal']:g}"}
        if base["met"]:
            clauses.append(_("%(label)s: %(value)s built against a target of %(goal)s, met") % words)
        else:
            short = f"{base['goal'] - (base['value'] or 0):g}"
            clauses.append(
                _("%(label)s: %(value)s built against a target of %(goal)s, %(short)s short")
                % {**words, "short": short}
            )
    return _sentence(clauses) if clauses else None


def _staff_sentence(figures: dict) -> str:
    staff, day = figures["region"]["staff"], long_date(figures["snapshot_date"])
    if staff["ratio"] is None:
        return _("No township worker served on %(date)s: the staff ratio has no data") % {"date": day} + _(".")
    words = {"ratio": f"{staff['ratio']:.1f}", "current": staff["current"], "workers": staff["workers"]}
    if staff["met"]:
        return _(
            "Persons per township worker: %(ratio)s (%(current)s current, %(workers)s workers), within the norm of 30"
        ) % words + _(".")
    return _(
        "Persons per township worker: %(ratio)s (%(current)s current, %(workers)s workers), above the norm of 30"
    ) % words + _(".")


def body(figures: dict) -> list[str]:
    """The paragraphs of the report's body (see the module docstring)."""
    place = figures["region"]
    current, registered = place["figures"]["current"]["value"], place["figures"]["registered"]["value"]
    opening = _("As of %(date)s, %(region)s had %(registered)s registered drug users, %(current)s of them current") % {
        "date": long_date(figures["snapshot_date"]),
        "region": place["name"],
        "registered": registered or 0,
        "current": current or 0,
    }
    assessed = [place["figures"][code].get("met") for code in figures["codes"]]
    assessed = [met for met in assessed if met is not None]
    summary = _("%(met)s of the %(assessed)s figures with a target met it") % {
        "met": sum(assessed),
        "assessed": len(assessed),
    }
    paragraphs = [_sentence([opening, summary])]
    paragraphs += [_rate_sentence(figures, code) for code in BODY_RATES]
    paragraphs += _best_and_worst(figures)
    if bases := _bases_sentence(figures):
        paragraphs.append(bases)
    paragraphs.append(_staff_sentence(figures))
    return paragraphs


def choices_notes() -> list[str]:
    """The indicator choices DESIGN §4 leaves configurable, as set (stated in every document's notes)."""
    kinds = [str(MeasureKind(kind).label) for kind in settings.INDICATOR_CONTROL_MEASURES]
    unable = (
        _("persons unable to work are left out of the placement rates")
        if settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE
        else _("persons unable to work stay in the placement rates' denominators")
    )
    return [
        _("Measures counted as control: %(kinds)s") % {"kinds": _(", ").join(kinds)} + _("."),
        _("Placement: %(choice)s") % {"choice": unable} + _("."),
        _(
            "The urban placement rate (townships whose name ends in 街道 or 镇) carries the target of 40 percent; "
            "the placement rate of all townships is shown for reference"
        )
        + _("."),
    ]
