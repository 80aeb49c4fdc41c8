"""Sealed records at scale (DESIGN §3b, §7): the nightly sealing pass, and what sealing costs the scoped reads.

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/postgres .venv/bin/python bench/sealing.py --persons 30000

In its own scratch database (``bench/scratch.py``) it generates the population of ``bench/indicators.py``, then
prints: the first sealing pass (every person abstinent three years today sealed, one Sealing row and one audit
entry each), a rerun (nothing to seal), and the time of a county's person count and of one page of its person
list through ``visible_to`` as an officer without a grant and with one (the grant's subquery). The last line is
one JSON object with those figures.
"""

import argparse
import datetime as dt
import json
import time

from indicators import GENERATE
from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=30000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    with scratch_database("sunshine_bench_sealing", keep=args.keep):
        run(args.persons)


def _best_of(function, times: int = 5) -> float:
    best = float("inf")
    for _ in range(times):
        began = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - began)
    return best


def run(persons: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from cases.models import LawfulQuery, Person
    from reporting.services import seal_records
    from sunshine.models import User

    with connection.cursor() as cursor:
        # the generator predates the records' ``version`` (optimistic concurrency): give it its default in SQL here
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'version' "
                       "AND column_default IS NULL AND table_schema = 'public'")  # fmt: skip
        for (table,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN version SET DEFAULT 1')
        cursor.execute(GENERATE.replace("%(persons)s", str(persons)))
        cursor.execute("VACUUM ANALYZE")
    today = dt.date.today()
    began = time.perf_counter()
    sealed, _ = seal_records(day=today)
    first = time.perf_counter() - began
    began = time.perf_counter()
    again, _ = seal_records(day=today)
    rerun = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_person")
    county = Person.objects.filter(sealed=True).values_list("township__parent_id", flat=True).first() or "520102"
    officer = User.objects.create(username="bench_officer", role="county_officer", region_id=county)
    granted = User.objects.create(username="bench_granted", role="county_officer", region_id=county)
    person = Person.objects.filter(sealed=True, township__parent_id=county).first()
    if person is not None:
        LawfulQuery.objects.create(requester=granted, region_id=county, person=person, querying_unit="bench",
                                   basis="regulation", regulation="bench", purpose="bench", status="approved",
                                   expires_at=timezone.now() + dt.timedelta(days=7))  # fmt: skip

    def count(user):
        return lambda: Person.objects.visible_to(user).count()

    def page(user):
        return lambda: list(Person.objects.visible_to(user).select_related("township")[:30])

    figures = {
        "persons": persons,
        "sealed": sealed,
        "first_pass_s": round(first, 2),
        "rerun_s": round(rerun, 2),
        "resealed_on_rerun": again,
        "county_count_ms": round(1000 * _best_of(count(officer)), 1),
        "county_count_with_grant_ms": round(1000 * _best_of(count(granted)), 1),
        "county_page_ms": round(1000 * _best_of(page(officer)), 1),
        "county_page_with_grant_ms": round(1000 * _best_of(page(granted)), 1),
    }
    print(f"{persons} persons: {sealed} sealed in {first:.2f} s (rerun {rerun:.2f} s, {again} more)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
