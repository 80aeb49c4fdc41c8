"""Outcomes benchmark at province scale (issue 18): time the nightly relapse-outcomes computation
(``outcomes.services.outcomes_compute``: read the spells, Kaplan–Meier and the time-varying Cox model for the
province, 9 prefectures and 88 counties, write 98 reports) on PostgreSQL.

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/postgres .venv/bin/python bench/relapse_outcomes.py --persons 120000

It creates (and afterwards drops) its own database `sunshine_outcomes_bench` on that server and generates the
indicator benchmark's synthetic population (``bench/indicators.py``: community measures for 80 %, 25 urine tests
and 25 visits each, deaths and losses, placements for 25 %), plus one course per county with a completed
enrolment for every fifth person. The last line is one JSON object with `persons`, `spells`, `read_s` (the spells
from the database), `statistics_s` (all 98 regions' estimates), `nightly_s` (the whole run, with writing).
"""

import argparse
import datetime as dt
import json
import time

from indicators import GENERATE
from scratch import scratch_database

TRAINING = """
INSERT INTO training_course (provider_kind, provider_name, skill, start_date, end_date, hours, region_id, capacity,
  notes, created_by_id, created_at)
SELECT 'hr', '人社局', '电工', DATE '2008-01-01', DATE '2020-12-31', 120, code, NULL, '', NULL, now()
FROM sunshine_region WHERE level = 'county';
INSERT INTO training_enrolment (person_id, recorded_by_id, created_at, course_id, enrolled_on, status, approved_on,
  approved_by_id, attendance, completed, completed_on, certificate_number, withdrawn_on, notes)
SELECT p.id, NULL, now(), c.id, p.registered_on + 60, 'enrolled', p.registered_on + 60, NULL, 120, true,
  p.registered_on + 120, '', NULL, ''
FROM cases_person p JOIN training_course c ON c.region_id = substr(p.township_id, 1, 6)
WHERE p.id % 5 = 0;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=120_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=dt.date(2022, 6, 30),
        help="analysis date (default 2022-06-30: every generated measure has started)",
    )
    args = parser.parse_args()
    with scratch_database("sunshine_outcomes_bench", keep=args.keep):
        run(args.persons, args.date)


def run(persons: int, day: dt.date) -> None:
    from django.db import connection

    from outcomes.models import OutcomeReport
    from outcomes.services import LEVELS, outcomes_compute
    from outcomes.spells import read_spells
    from outcomes.survival import region_outcomes
    from sunshine.models import Region

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE.replace("%(persons)s", str(persons)))
        cursor.execute(TRAINING)
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {persons} persons in {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    spells = read_spells(day)
    read_s = time.perf_counter() - began
    print(f"read {len(spells)} spells ({int(spells['event'].sum())} relapses) in {read_s:.1f} s")

    began = time.perf_counter()
    by_level = {}
    for level in LEVELS:
        started = time.perf_counter()
        for code in Region.objects.filter(level=level).values_list("code", flat=True):
            region_outcomes(spells[spells["township"].str.startswith(code)])
        by_level[level] = time.perf_counter() - started
        print(f"  {level}: {by_level[level]:.1f} s")
    statistics_s = time.perf_counter() - began
    print(f"statistics for {sum(1 for _ in Region.objects.filter(level__in=LEVELS))} regions: {statistics_s:.1f} s")

    began = time.perf_counter()
    written = outcomes_compute(day=day)
    nightly_s = time.perf_counter() - began
    province = OutcomeReport.objects.get(date=day, region_id="52").data
    print(f"nightly run (read, estimate, write {written} reports): {nightly_s:.1f} s")
    print(f"province hazard ratios: {province['hazard_ratio']}")
    print(json.dumps({"persons": persons, "date": day.isoformat(), "spells": len(spells), "read_s": round(read_s, 1),
                      "statistics_s": round(statistics_s, 1), "nightly_s": round(nightly_s, 1),
                      **{f"{level}_s": round(seconds, 1) for level, seconds in by_level.items()}}))  # fmt: skip


if __name__ == "__main__":
    main()
