"""Relapse-free time and its estimators: pure functions of a table of spells, one row per CD/CR measure.

The estimators are lifelines' (README: why lifelines); this module only shapes the data for them and their
answers for storage. A spell's columns (built from the database by ``outcomes.spells.read_spells``):

- ``spell`` (the measure's id), ``person``, ``township``, ``cohort`` (the start's year), ``drug`` (heroin,
  methamphetamine, other);
- ``duration``: days from the start to the event or the censoring (> 0), ``event``: 1 for a relapse;
- ``placed_day`` / ``trained_day``: days from the start to the first placement / completed training that
  counts for the spell (0 when it began before the start; NaN when none);
- the adjustment covariates ``COVARIATES``: age at the start in decades, male, injecting use, prior
  compulsory isolation, and the drug type as two indicators (heroin is the reference).

Privacy: a group of fewer than ``MIN_GROUP`` persons gives nothing but the word that it is suppressed, and a
curve stops where fewer than ``MIN_GROUP`` spells remain at risk.
"""

import math
import warnings

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError

DAYS_PER_MONTH = 365.25 / 12
GRID_MONTHS = range(37)  # a CD measure runs three years
MILESTONES = (6, 12, 24)
MIN_GROUP = 10
LANDMARK_MONTHS = 6
COVARIATES = ["age", "male", "injecting", "prior_isolation", "drug_meth", "drug_other"]
PATHWAY = {"placement": "placed_day", "training": "trained_day"}
RATIO_COLUMNS = {"value": "", "lower": " lower 95%", "upper": " upper 95%"}


def month_day(months: float) -> int:
    """The day number of a month mark (6 months → day 183, 12 → 365, 24 → 730)."""
    return round(months * DAYS_PER_MONTH)


def km_at(durations, events, days) -> pd.DataFrame:
    """Kaplan–Meier survival at each of ``days``, with lifelines' 95% band (exponential Greenwood) and the
    number at risk (spells followed for at least that many days)."""
    return _km_table(KaplanMeierFitter().fit(np.asarray(durations, dtype=float), np.asarray(events, dtype=int)), days)


def _km_table(kmf: KaplanMeierFitter, days) -> pd.DataFrame:
    durations = kmf.durations
    days = np.asarray(days, dtype=float)
    band = kmf.confidence_interval_survival_function_
    row = np.searchsorted(band.index.to_numpy(), days, side="right") - 1  # the step in force on each day
    return pd.DataFrame(
        {
            "survival": kmf.survival_function_at_times(days).to_numpy(),
            "lower": band.iloc[row, 0].to_numpy(),
            "upper": band.iloc[row, 1].to_numpy(),
            "at_risk": [int((durations >= day).sum()) for day in days],
        },
        index=days,
    )


def _round(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def curve(spells: pd.DataFrame, *, offset_months: int = 0) -> dict:
    """A group's Kaplan–Meier summary: the monthly points (from ``offset_months``, the landmark, on) while at
    least ``MIN_GROUP`` spells are at risk, the median time to relapse in months (None if not reached) and the
    relapse-free proportions at 6, 12 and 24 months. Suppressed when the group holds fewer than MIN_GROUP persons."""
    persons = int(spells["person"].nunique())
    if persons < MIN_GROUP:
        return {"suppressed": True}
    months = [month for month in GRID_MONTHS if month >= offset_months]
    kmf = KaplanMeierFitter().fit(spells["duration"].to_numpy(dtype=float), spells["event"].to_numpy(dtype=int))
    table = _km_table(kmf, [month_day(month - offset_months) for month in months])
    points = [
        {"month": month, "at_risk": int(row.at_risk), "survival": _round(row.survival), "lower": _round(row.lower),
         "upper": _round(row.upper)}
        for month, row in zip(months, table.itertuples(), strict=True)
        if row.at_risk >= MIN_GROUP
    ]  # fmt: skip
    shown = {point["month"]: point["survival"] for point in points}
    median = kmf.median_survival_time_
    return {
        "suppressed": False,
        "persons": persons,
        "spells": len(spells),
        "relapses": int(spells["event"].sum()),
        "median_months": None if math.isinf(median) else round(float(offset_months + median / DAYS_PER_MONTH), 1),
        "milestones": {str(month): shown.get(month) for month in MILESTONES},
        "km": points,
    }


def landmark(spells: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The landmark split at ``LANDMARK_MONTHS``: spells still relapse-free and followed beyond the landmark,
    as (placed or trained by then, not), their time counted from the landmark. Nobody's time before the
    landmark is credited to a group it joined later (no immortal time)."""
    day = month_day(LANDMARK_MONTHS)
    beyond = spells[spells["duration"] > day].assign(duration=lambda s: s["duration"] - day)
    reached = beyond[column].notna() & (beyond[column] <= day)
    return beyond[reached], beyond[~reached]


def counting_process(spells: pd.DataFrame) -> pd.DataFrame:
    """Counting-process rows (start, stop] per spell: a spell is cut where its person is placed and where they
    complete training, so each row carries the status in force over it and only the last can end in a relapse."""
    cuts = [spells[["spell"]].assign(t=0.0), spells[["spell"]].assign(t=spells["duration"].astype(float))]
    for column in PATHWAY.values():
        inside = spells[(spells[column] > 0) & (spells[column] < spells["duration"])]
        cuts.append(inside[["spell"]].assign(t=inside[column].astype(float)))
    rows = pd.concat(cuts).drop_duplicates().sort_values(["spell", "t"])
    rows["stop"] = rows.groupby("spell")["t"].shift(-1)
    rows = rows.dropna(subset=["stop"]).rename(columns={"t": "start"})
    rows = rows.merge(spells[["spell", "duration", "event", *PATHWAY.values(), *COVARIATES]], on="spell")
    rows["placed"] = (rows["placed_day"] <= rows["start"]).astype(int)  # NaN (never) compares False
    rows["trained"] = (rows["trained_day"] <= rows["start"]).astype(int)
    rows["event"] = ((rows["event"] == 1) & (rows["stop"] == rows["duration"])).astype(int)
    return rows[["spell", "start", "stop", "event", "placed", "trained", *COVARIATES]]


def _ratios(summary: pd.DataFrame, names: dict) -> dict:
    """{our name: {"value", "lower", "upper"}} from a lifelines summary (exp(coef) and its 95% interval)."""
    result = {}
    for name, column in names.items():
        if column not in summary.index:
            result[name] = None
            continue
        row = summary.loc[column]
        ratio = {key: row[f"exp(coef){suffix}"] for key, suffix in RATIO_COLUMNS.items()}
        # A degenerate fit (no relapse among the placed, say) gives 0 or an infinite bound: not estimable.
        finite = all(math.isfinite(value) and value > 0 for value in ratio.values())
        result[name] = {key: _round(value) for key, value in ratio.items()} if finite else None
    return result


def _varying(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    return [column for column in columns if frame[column].nunique() > 1]


def hazard_ratios(spells: pd.DataFrame) -> dict:
    """The fair comparison: a Cox model with placement and completed training as time-varying covariates
    (counting-process data), adjusted for ``COVARIATES``. Hazard ratios with 95% intervals; None where the
    group is too small, a status never varies, or the model cannot be fitted."""
    empty = {"placement": None, "training": None}
    if spells["person"].nunique() < MIN_GROUP or not spells["event"].any():
        return empty
    rows = counting_process(spells)
    columns = _varying(rows, ["placed", "trained", *COVARIATES])
    if not {"placed", "trained"} & set(columns):
        return empty
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence hints on small groups; a failure raises below
            fitter = CoxTimeVaryingFitter().fit(
                rows[["spell", "start", "stop", "event", *columns]],
                id_col="spell", event_col="event", start_col="start", stop_col="stop",
            )  # fmt: skip
    except (ConvergenceError, ValueError, np.linalg.LinAlgError):
        return empty
    return _ratios(fitter.summary, {"placement": "placed", "training": "trained"})


def naive_hazard_ratio(spells: pd.DataFrame) -> dict | None:
    """The biased comparison, for contrast: "ever placed during follow-up" as a fixed covariate from the start,
    which credits the time before placement to the placed (immortal time) and so flatters placement."""
    if spells["person"].nunique() < MIN_GROUP or not spells["event"].any():
        return None
    frame = spells.assign(placed=(spells["placed_day"] < spells["duration"]).astype(int))
    columns = _varying(frame, ["placed", *COVARIATES])
    if "placed" not in columns:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter = CoxPHFitter().fit(frame[["duration", "event", *columns]], "duration", "event")
    except (ConvergenceError, ValueError, np.linalg.LinAlgError):
        return None
    return _ratios(fitter.summary, {"placement": "placed"})["placement"]


def region_outcomes(spells: pd.DataFrame) -> dict:
    """Everything stored for one region: the overall curve, the curves by cohort year, drug type and pathway
    (landmark), and the hazard ratios. Groups are lists (PostgreSQL's jsonb does not keep key order)."""
    overall = curve(spells)
    groups = []
    for dimension in ("cohort", "drug"):
        for key, group in spells.groupby(dimension, sort=True):
            groups.append({"dimension": dimension, "key": str(key), **curve(group)})
    for dimension, column in PATHWAY.items():
        reached, not_reached = landmark(spells, column)
        for key, group in (("yes", reached), ("no", not_reached)):
            groups.append({"dimension": dimension, "key": key, **curve(group, offset_months=LANDMARK_MONTHS)})
    return {
        **overall,
        "groups": groups,
        "hazard_ratio": hazard_ratios(spells),
        "naive_hazard_ratio": {"placement": naive_hazard_ratio(spells)},
    }
