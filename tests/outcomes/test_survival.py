"""The estimators on data whose answer is known: a hand-worked Kaplan–Meier example and a synthetic population
in which placement halves the relapse hazard from the day it happens."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from outcomes.survival import (
    COVARIATES,
    counting_process,
    curve,
    hazard_ratios,
    km_at,
    landmark,
    month_day,
    naive_hazard_ratio,
)

# Six spells (days, relapse?): relapses on days 2, 3, 5 and 8; censored on days 3 and 6.
DURATIONS = [2, 3, 3, 5, 6, 8]
EVENTS = [1, 1, 0, 1, 0, 1]
# By hand, S(t) = Π (1 − d/n) over relapse days ≤ t:
#   day 2: 6 at risk, 1 relapse → 5/6;  day 3: 5 at risk, 1 relapse (the censoring on day 3 comes after) → 5/6·4/5
#   day 5: 3 at risk, 1 relapse → 2/3·2/3 = 4/9;  day 6: censored, no change;  day 8: 1 at risk, 1 relapse → 0.
BY_HAND = {0: Fraction(1), 1: Fraction(1), 2: Fraction(5, 6), 3: Fraction(2, 3), 4: Fraction(2, 3),
           5: Fraction(4, 9), 6: Fraction(4, 9), 7: Fraction(4, 9), 8: Fraction(0)}  # fmt: skip
AT_RISK = {0: 6, 1: 6, 2: 6, 3: 5, 4: 3, 5: 3, 6: 2, 7: 1, 8: 1}


def test_it_matches_the_hand_worked_kaplan_meier_and_the_library():
    table = km_at(DURATIONS, EVENTS, list(BY_HAND))
    library = KaplanMeierFitter().fit(DURATIONS, EVENTS)
    for day, expected in BY_HAND.items():
        assert table.loc[day, "survival"] == pytest.approx(float(expected), abs=1e-12), day
        assert table.loc[day, "survival"] == library.predict(day)
        assert table.loc[day, "at_risk"] == AT_RISK[day]
        band = library.confidence_interval_survival_function_.loc[:day].iloc[-1]
        assert (table.loc[day, "lower"], table.loc[day, "upper"]) == (band.iloc[0], band.iloc[1])
        assert table.loc[day, "lower"] <= table.loc[day, "survival"] <= table.loc[day, "upper"]


def test_the_milestone_days_are_calendar_months():
    assert [month_day(m) for m in (6, 12, 24, 36)] == [183, 365, 730, 1096]


def _spells(**columns) -> pd.DataFrame:
    n = len(columns["duration"])
    frame = pd.DataFrame({"spell": range(n), "person": range(n), "township": "520102001", "cohort": 2011,
                          "drug": "heroin", "placed_day": np.nan, "trained_day": np.nan,
                          **{name: 0 for name in COVARIATES}})  # fmt: skip
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_a_group_under_ten_persons_gives_nothing_but_its_suppression():
    nine = _spells(duration=[100] * 9, event=[1] * 9)
    assert curve(nine) == {"suppressed": True}
    assert hazard_ratios(nine) == {"placement": None, "training": None}
    # Nine spells of ten persons... ten persons with one spell each is shown; a curve stops under 10 at risk.
    ten = _spells(duration=[40 * (i + 1) for i in range(10)], event=[1] * 10)
    shown = curve(ten)
    assert shown["suppressed"] is False and shown["persons"] == 10
    assert [point["month"] for point in shown["km"]] == [0, 1]  # from month 2 (day 61) only 9 remain
    assert all(point["at_risk"] >= 10 for point in shown["km"])


def test_the_counting_process_cuts_each_spell_where_its_status_changes():
    spells = _spells(duration=[100, 50, 80], event=[1, 0, 1], placed_day=[30, 0, np.nan], trained_day=[60, np.nan, 90])
    rows = counting_process(spells)
    first = rows[rows["spell"] == 0][["start", "stop", "event", "placed", "trained"]].to_numpy().tolist()
    assert first == [[0, 30, 0, 0, 0], [30, 60, 0, 1, 0], [60, 100, 1, 1, 1]]
    assert rows[rows["spell"] == 1][["start", "stop", "event", "placed"]].to_numpy().tolist() == [[0, 50, 0, 1]]
    # Training after the relapse does not count.
    assert rows[rows["spell"] == 2][["start", "stop", "event", "trained"]].to_numpy().tolist() == [[0, 80, 1, 0]]


def test_the_landmark_keeps_those_followed_beyond_month_six_and_counts_time_from_there():
    spells = _spells(duration=[100, 300, 400, 500], event=[1, 1, 0, 1], placed_day=[50, 100, 250, np.nan])
    placed, not_placed = landmark(spells, "placed_day")
    assert placed["duration"].tolist() == [300 - 183]
    assert not_placed["duration"].tolist() == [400 - 183, 500 - 183]  # placed on day 250 counts as not yet


def synthetic_population(n: int, *, seed: int) -> pd.DataFrame:
    """Spells where the relapse hazard halves from the day of placement, placement at a uniformly random day
    in the first 900, a constant baseline hazard (1 in 600 per day) shifted by age, injecting and prior isolation,
    censored at the measure's end (3 years) or earlier."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(2, 5, n)  # decades
    male, injecting, prior = (rng.integers(0, 2, n) for _ in range(3))
    drug = rng.integers(0, 3, n)
    rate = np.exp(0.2 * (age - 3.5) + 0.3 * injecting + 0.2 * prior) / 600
    placement = rng.uniform(0, 900, n)
    before = rng.exponential(1 / rate)
    relapse = np.where(before < placement, before, placement + rng.exponential(2 / rate))  # half the hazard after
    censor = rng.uniform(300, 1096, n)
    duration = np.ceil(np.minimum(relapse, censor))
    return _spells(
        duration=duration, event=(relapse <= censor).astype(int),
        placed_day=np.where(placement < duration, np.floor(placement), np.nan),
        age=age, male=male, injecting=injecting, prior_isolation=prior,
        drug_meth=(drug == 1).astype(int), drug_other=(drug == 2).astype(int),
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_it_recovers_a_hazard_ratio_of_one_half_where_the_naive_split_is_biased(seed):
    spells = synthetic_population(3000, seed=seed)
    fair = hazard_ratios(spells)["placement"]
    assert fair["lower"] < 0.5 < fair["upper"]
    assert fair["value"] == pytest.approx(0.5, abs=0.08)
    # The naive split credits the months before placement to the placed: far below the truth, which its own
    # interval excludes.
    naive = naive_hazard_ratio(spells)
    assert naive["upper"] < 0.5
    assert naive["value"] < 0.3
    # The landmark curves agree in direction: those placed by month 6 fare better from then on.
    placed, not_placed = landmark(spells, "placed_day")
    assert curve(placed)["milestones"]["24"] > curve(not_placed)["milestones"]["24"]


def test_a_degenerate_fit_is_not_estimable():
    # Nobody placed ever relapses: the fitted ratio runs to 0 with an infinite bound, which is shown as such.
    spells = synthetic_population(200, seed=3)
    spells.loc[spells["placed_day"].notna(), "event"] = 0
    ratios = hazard_ratios(spells)
    assert ratios["placement"] is None
