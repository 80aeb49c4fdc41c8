"""The spells of relapse-free time, read from the records: one row per community detox or rehabilitation measure
that had started by the analysis date D (definitions in docs/indicators.md, "Relapse outcomes").

- start: the measure's start date;
- event: the first positive urine test or drug-use finding dated after the start;
- censoring: the earliest of the measure's end, death, leaving the country, the first loss of contact
  (失控) on or after the start, and D. A relapse on the censoring day itself counts (a measure escalated
  because of drug use ends the day the use is found);
- placed: from the first contract start of a placement still running at the start or begun before the
  censoring (0 if it began before the measure); trained: from the first completed training's date;
- the region is the township the person belongs to now.

Rows are read as the nightly indicators read them: through ``counted_by`` of the system-wide reader
(``sunshine.access.SYSTEM``), so sealed persons and their records count (DESIGN §3b: a count
discloses no one). Nothing here leaves the computation but aggregates of ten persons or more.
"""

import datetime as dt

import numpy as np
import pandas as pd

from cases.choices import COMMUNITY_MEASURES, MeasureKind, StatusKind, TestResult
from cases.models import DrugUseFinding, Measure, Person, StatusEvent, UrineTest
from placement.models import Placement
from sunshine.access import SYSTEM
from training.models import Enrolment

from .survival import COVARIATES

EXITS = (StatusKind.DECEASED, StatusKind.DEPARTED, StatusKind.LOST)
DRUGS = (("heroin", ("海洛因",)), ("methamphetamine", ("冰毒", "甲基苯丙胺")))


def drug_group(drug_types: str) -> str:
    """The drug type a person's record names first among heroin and methamphetamine (heroin if both), else other."""
    for group, words in DRUGS:
        if any(word in (drug_types or "") for word in words):
            return group
    return "other"


def _frame(rows, columns: list[str], dates: tuple = ()) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _first(spells: pd.DataFrame, records: pd.DataFrame, keep) -> pd.Series:
    """Per spell, the earliest ``date`` of its person's records that ``keep(merged rows)`` accepts."""
    merged = spells[["spell", "person", "start", "stop"]].merge(records, on="person")
    merged = merged[keep(merged)]
    return merged.groupby("spell")["date"].min()


def read_spells(day: dt.date, viewer=SYSTEM) -> pd.DataFrame:
    """The spells as of ``day`` with the columns ``outcomes.survival`` expects, plus ``township``. One query per
    table, whatever the number of persons."""
    persons = _frame(
        Person.objects.counted_by(viewer).values_list("id", "township_id", "sex", "birth_date", "drug_types",
                                                      "injecting"),
        ["person", "township", "sex", "birth_date", "drug_types", "injecting"], dates=("birth_date",),
    )  # fmt: skip
    measures = Measure.objects.counted_by(viewer).filter(started_on__isnull=False, started_on__lte=day)
    spells = _frame(
        measures.filter(kind__in=COMMUNITY_MEASURES).values_list("id", "person_id", "started_on", "ended_on"),
        ["spell", "person", "start", "ended"], dates=("start", "ended"),
    )  # fmt: skip
    isolations = _frame(
        measures.filter(kind=MeasureKind.COMPULSORY_ISOLATION).values_list("person_id", "started_on"),
        ["person", "date"], dates=("date",),
    )  # fmt: skip
    tests = UrineTest.objects.counted_by(viewer).filter(result=TestResult.POSITIVE, tested_on__lte=day)
    findings = DrugUseFinding.objects.counted_by(viewer).filter(found_on__lte=day)
    relapses = _frame(
        [*tests.values_list("person_id", "tested_on"), *findings.values_list("person_id", "found_on")],
        ["person", "date"], dates=("date",),
    )  # fmt: skip
    exits = _frame(
        StatusEvent.objects.counted_by(viewer).filter(kind__in=EXITS, occurred_on__lte=day)
        .values_list("person_id", "occurred_on"),
        ["person", "date"], dates=("date",),
    )  # fmt: skip
    placements = _frame(
        Placement.objects.counted_by(viewer).filter(contract_start__lte=day)
        .values_list("person_id", "contract_start", "contract_end", "left_on"),
        ["person", "date", "contract_end", "left_on"], dates=("date", "contract_end", "left_on"),
    )  # fmt: skip
    trainings = _frame(
        Enrolment.objects.counted_by(viewer).filter(completed=True, completed_on__lte=day)
        .values_list("person_id", "completed_on"),
        ["person", "date"], dates=("date",),
    )  # fmt: skip
    return build_spells(day, spells, persons, isolations, relapses, exits, placements, trainings)


def build_spells(day, spells, persons, isolations, relapses, exits, placements, trainings) -> pd.DataFrame:
    """The spells table from the records' frames (each with ``person`` and ``date``), set-based."""
    spells = spells.merge(persons, on="person")
    analysis = pd.Timestamp(day)
    spells["stop"] = spells["ended"].where(spells["ended"] <= analysis, analysis).fillna(analysis)
    exit_on = _first(spells, exits, lambda m: m["date"] >= m["start"])
    spells["stop"] = np.minimum(spells["stop"], spells["spell"].map(exit_on).fillna(analysis))
    relapse_on = spells["spell"].map(_first(spells, relapses, lambda m: m["date"] > m["start"]))
    spells["event"] = (relapse_on <= spells["stop"]).astype(int)
    spells["stop"] = relapse_on.where(spells["event"] == 1, spells["stop"])
    spells["duration"] = (spells["stop"] - spells["start"]).dt.days
    spells = spells[spells["duration"] > 0].copy()

    running = placements["contract_end"].combine_first(placements["left_on"])
    running = np.minimum(running, placements["left_on"].fillna(running))  # the earlier of the two ends
    placements = placements.assign(until=running)
    placed_on = _first(
        spells, placements, lambda m: (m["until"].isna() | (m["until"] >= m["start"])) & (m["date"] <= m["stop"])
    )
    trained_on = _first(spells, trainings, lambda m: m["date"] <= m["stop"])
    for column, first in (("placed_day", placed_on), ("trained_day", trained_on)):
        spells[column] = (spells["spell"].map(first) - spells["start"]).dt.days.clip(lower=0)

    isolated_before = _first(spells, isolations, lambda m: m["date"] < m["start"])
    spells["prior_isolation"] = spells["spell"].isin(isolated_before.index).astype(int)
    spells["age"] = (spells["start"] - spells["birth_date"]).dt.days / 365.25 / 10  # decades
    spells["male"] = (spells["sex"] == "M").astype(int)
    spells["injecting"] = spells["injecting"].astype(int)
    spells["drug"] = spells["drug_types"].map(drug_group)
    spells["drug_meth"] = (spells["drug"] == "methamphetamine").astype(int)
    spells["drug_other"] = (spells["drug"] == "other").astype(int)
    spells["cohort"] = spells["start"].dt.year
    columns = ["spell", "person", "township", "cohort", "drug", "duration", "event", "placed_day", "trained_day"]
    return spells[[*columns, *COVARIATES]].reset_index(drop=True)
