"""Indicator benchmark at province scale (DESIGN §7): time the figures of all 1,608 regions for one date
against one plain scan of the same tables, the nightly run that also stores them, and 36 month-ends, on
PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/indicators.py --persons 120000

It creates (and afterwards drops) its own database `sunshine_bench` on that server, generates a synthetic
population with INSERT ... SELECT generate_series (community measures, ~25 urine tests and ~25 visits per
person, transfers, deaths, placements), then prints the figures; the last line is one JSON object with
`persons`, `one_date_s` (computing every region's figures), `scan_s`, `ratio`, `months36_figures_s` (the figures
of 36 month-ends in one pass), `months36_ratio` (that against one date), `months36_each_s` (the 36 dates computed
one by one), `months36_s` (the 36 dates computed and stored) and `nightly_first_s` / `nightly_rerun_s` (one
date computed and its 25,728 snapshots written; the same date again, nothing to write).

`--curve 30000,120000,480000` instead times one date's figures at each size, each generated afresh: the growth
curve (time per person, and its ratio to the first size's).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import time

from scratch import scratch_database

GENERATE = """
CREATE TEMP TABLE bench_townships AS
  SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM sunshine_region WHERE level = 'township';
INSERT INTO cases_person (id_number, name, name_initials, sex, birth_date, ethnicity, education, marital_status,
  household_address, address, phone, township_id, drug_types, injecting, first_use_on, registered_on,
  guardian_name, guardian_phone, hiv_status, other_infections, work_capacity, notes, created_at, updated_at)
SELECT lpad(i::text, 18, '0'), 'P' || i, 'p', CASE WHEN i % 5 = 0 THEN 'F' ELSE 'M' END, DATE '1970-01-01' + (i % 9000),
  '', '', '', '', '', '', t.code, '', i % 4 = 0, NULL, DATE '2008-01-01' + (i::bigint * 7919 % 5000)::int,
  '', '', 'unknown', '', '', '',
  now(), now()
FROM generate_series(1, %(persons)s) i JOIN bench_townships t ON t.n = i % (SELECT count(*) FROM bench_townships);
INSERT INTO cases_measure (person_id, kind, authority, order_number, ordered_on, reported_on, agreement_on, started_on,
  term_months, extension_months, pregnant, nursing_infant, ended_on, end_reason, discharge_notified_on, notes,
  created_at)
SELECT id, 'community_detox', '', '', registered_on + 10, registered_on + 20, registered_on + 20, registered_on + 20,
  NULL, 0, false, false,
  CASE WHEN id % 3 = 0 THEN (registered_on + 20 + interval '3 years')::date END,
  CASE WHEN id % 3 = 0 THEN 'completed' ELSE '' END, NULL, '', now()
FROM cases_person WHERE id % 10 < 8;
INSERT INTO cases_urinetest (person_id, recorded_by_id, created_at, tested_on, kind, result, substance)
SELECT p.id, NULL, now(), p.registered_on + 20 + g * 45, 'scheduled',
  CASE WHEN (p.id + g) % 53 = 0 THEN 'positive' WHEN (p.id + g) % 41 = 0 THEN 'evaded' ELSE 'negative' END, ''
FROM cases_person p, generate_series(0, 24) g;
INSERT INTO cases_visit (person_id, recorded_by_id, created_at, visited_on, kind, visitors, findings,
  whereabouts_confirmed)
SELECT p.id, NULL, now(), p.registered_on + 25 + g * 45, 'home', '', '', true
FROM cases_person p, generate_series(0, 24) g;
INSERT INTO cases_statusevent (person_id, recorded_by_id, created_at, kind, occurred_on, notes)
SELECT id, NULL, now(), CASE WHEN id % 2 = 0 THEN 'deceased' ELSE 'lost' END, registered_on + 900, ''
FROM cases_person WHERE id % 50 = 0;
INSERT INTO cases_transfer (person_id, from_township_id, to_township_id, requested_on, reason, status, requested_by_id,
  county_approved_by_id, county_approved_on, decided_by_id, effective_on, decision_notes)
SELECT p.id, t.code, p.township_id, p.registered_on + 300, '', 'accepted', NULL, NULL, NULL, NULL,
  p.registered_on + 310, ''
FROM cases_person p JOIN bench_townships t ON t.n = (p.id + 7) % (SELECT count(*) FROM bench_townships)
WHERE p.id % 20 = 0;
INSERT INTO placement_placement (person_id, recorded_by_id, created_at, mode, base_id, employer_id, contract_start,
  contract_end, long_contract, social_insurance, wage, employment_certificate, tax_policy_marked, left_on, notes)
SELECT id, NULL, now(), 'dispersed', NULL, NULL, registered_on + 200, registered_on + 200 + 729, true, true, NULL,
  '', false, NULL, ''
FROM cases_person WHERE id % 4 = 0;
"""

# The plain scan: every table the computation reads, each read in full once (a sequential count, index
# scans switched off), in one statement. The computation must stay within 3x of it (DESIGN §7).
SCANNED = ["cases_person", "cases_measure", "cases_urinetest", "cases_drugusefinding", "cases_statusevent",
           "cases_transfer", "placement_placement", "placement_placementbase"]  # fmt: skip
SCAN = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in SCANNED)  # noqa: S608
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=120_000)
    parser.add_argument("--keep", action="store_true", help="keep the sunshine_bench database afterwards")
    parser.add_argument("--curve", help="sizes, e.g. 30000,120000,480000: time one date at each (the growth curve)")
    args = parser.parse_args()
    if args.curve:
        curve([int(size) for size in args.curve.split(",")])
        return
    with scratch_database("sunshine_bench", keep=args.keep):
        run(args.persons)


def curve(sizes: list[int]) -> None:
    """One date's figures (median of ROUNDS after a warm-up) at each size, each in a database of its own
    generated afresh: the time per person should stay flat as the population grows (issue 17)."""
    points, server = [], os.environ.get("DATABASE_URL")
    for persons in sizes:
        if server:
            os.environ["DATABASE_URL"] = server  # scratch_database points it at the database it made
        with scratch_database("sunshine_bench_curve"):
            from django.db import connection

            from reporting.indicators import region_figures

            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(GENERATE.replace("%(persons)s", str(persons)))
                cursor.execute("VACUUM ANALYZE")
            generated = time.perf_counter() - began
            day, rounds = dt.date(2013, 12, 31), []
            for round_number in range(ROUNDS + 1):
                began = time.perf_counter()
                region_figures(day)
                if round_number:
                    rounds.append(time.perf_counter() - began)
            seconds = statistics.median(rounds)
            points.append({"persons": persons, "one_date_s": round(seconds, 3),
                           "us_per_person": round(seconds / persons * 1e6, 2)})  # fmt: skip
            print(f"{persons:>9,} persons (generated in {generated:.0f} s): one date {seconds:.2f} s, "
                  f"{seconds / persons * 1e6:.2f} µs a person", flush=True)  # fmt: skip
    first = points[0]
    for point in points:
        point["ratio_per_person"] = round(point["us_per_person"] / first["us_per_person"], 2)
        print(
            f"{point['persons']:>9,}: {point['persons'] / first['persons']:.0f}x the persons, "
            f"{point['one_date_s'] / first['one_date_s']:.2f}x the time, {point['ratio_per_person']:.2f}x per person"
        )
    print(json.dumps({"curve": points}))


def run(persons: int) -> None:
    from django.db import connection, transaction

    from reporting.indicator_range import range_figures
    from reporting.indicators import region_figures
    from reporting.models import IndicatorSnapshot
    from reporting.snapshots import month_ends, snapshots_compute, snapshots_compute_range
    from sunshine.models import Region

    def scan():
        with transaction.atomic(), connection.cursor() as cursor:
            for plan in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {plan} = off")
            cursor.execute(SCAN)
            cursor.fetchall()

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE.replace("%(persons)s", str(persons)))
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server after a bulk load
        cursor.execute("SELECT (SELECT count(*) FROM cases_urinetest) + (SELECT count(*) FROM cases_visit)")
        events = cursor.fetchone()[0]
    print(f"generated {persons} persons, {events} tests and visits in {time.perf_counter() - began:.1f} s")

    # Each figure is the median of ROUNDS rounds, the scan and the computation taking turns, so that a
    # slow moment of a shared machine does not fall on one side only. The first round warms the caches,
    # as a nightly run on a live server finds them, and is not counted.
    day = dt.date(2013, 12, 31)
    timings: dict[str, list[float]] = {"scan": [], "figures": [], "first": [], "rerun": []}
    for round_number in range(ROUNDS + 1):
        with transaction.atomic():
            IndicatorSnapshot.objects.filter(date=day).delete()
        for name, step in (("scan", scan), ("figures", lambda: region_figures(day)),
                           ("first", lambda: snapshots_compute(day=day)),
                           ("rerun", lambda: snapshots_compute(day=day))):  # fmt: skip
            began = time.perf_counter()
            step()
            if round_number:
                timings[name].append(time.perf_counter() - began)
    one_date, scan_s = statistics.median(timings["figures"]), statistics.median(timings["scan"])
    first, rerun = statistics.median(timings["first"]), statistics.median(timings["rerun"])
    print(f"one date, the figures of all {Region.objects.count()} regions: {one_date:.2f} s")
    print(f"plain scan of the same tables: {scan_s:.2f} s; ratio {one_date / scan_s:.2f}")
    snapshots = IndicatorSnapshot.objects.filter(date=day).count()
    print(f"the nightly run for a new date (figures and {snapshots} snapshots written): {first:.2f} s; "
          f"run again on unchanged data: {rerun:.2f} s")  # fmt: skip

    # The 36 month-ends of 2011-2013: their figures in one pass (best of ROUNDS), beside one date's figures and
    # beside computing each date on its own; then stored, as `compute_indicators --from --to` does.
    days = month_ends(dt.date(2011, 1, 1), dt.date(2013, 12, 31))
    ranged = []
    for _round in range(ROUNDS):
        began = time.perf_counter()
        for _day, _figures in range_figures(days):
            pass
        ranged.append(time.perf_counter() - began)
    months_figures = statistics.median(ranged)
    began = time.perf_counter()
    for day in days:
        region_figures(day)
    each = time.perf_counter() - began
    print(f"36 month-ends' figures in one pass: {months_figures:.2f} s ({months_figures / one_date:.2f}x one date); "
          f"each date on its own: {each:.1f} s")  # fmt: skip
    began = time.perf_counter()
    for _day, _rows in snapshots_compute_range(days):
        pass
    months = time.perf_counter() - began
    print(f"36 month-ends computed and stored: {months:.1f} s")
    print(json.dumps({"persons": persons, "one_date_s": round(one_date, 3), "scan_s": round(scan_s, 3),
                      "ratio": round(one_date / scan_s, 2), "months36_figures_s": round(months_figures, 3),
                      "months36_ratio": round(months_figures / one_date, 2), "months36_each_s": round(each, 1),
                      "months36_s": round(months, 1), "nightly_first_s": round(first, 3),
                      "nightly_rerun_s": round(rerun, 3)}))  # fmt: skip


if __name__ == "__main__":
    main()
