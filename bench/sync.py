"""Field sync benchmark (issue 15, DESIGN §7: "a worker's outbox of 200 records syncs in one request in ≤ 5 s,
exactly once"), on PostgreSQL.

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/postgres .venv/bin/python bench/sync.py --records 200

It creates (and afterwards drops) its own database `sunshine_bench_sync`, makes a township worker with 40
persons under community detox (each with a year of monthly visits and tests behind them, so the breach and
scoping queries read real rows), and POSTs one batch of visits, urine tests, absences and leave to
/api/v1/sync/ through Django's full request stack (middleware, session, CSRF-exempt test client, audit). Then
it sends the same batch again (every answer must be "exists") and counts the rows. The last line is JSON.
"""

import argparse
import collections
import datetime as dt
import json
import os
import re
import time
import uuid

from scratch import scratch_database

DATABASE = "sunshine_bench_sync"
TOWNSHIP = "520102016"


def batch(persons: list[int], size: int) -> list[dict]:
    """``size`` records over the persons, the four kinds in turn, each with its own UUID."""
    today = dt.date.today()
    records = []
    for n in range(size):
        person, day = persons[n % len(persons)], (today - dt.timedelta(days=n % 28)).isoformat()
        kind = ("visits", "urine-tests", "absences", "leaves")[n % 4]
        data = {
            "visits": {"visited_on": day, "kind": "home", "findings": "在家"},
            "urine-tests": {"tested_on": day, "result": "negative"},
            "absences": {"left_on": day, "returned_on": day},
            "leaves": {
                "leave_from": day,
                "leave_until": (today + dt.timedelta(days=5)).isoformat(),
                "destination": "贵阳",
            },
        }[kind]
        records.append({"id": str(uuid.uuid4()), "type": kind, "data": {"person": person, **data}})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--persons", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    with scratch_database(DATABASE, keep=args.keep):
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from cases.models import Absence, Leave, Measure, Person, UrineTest, Visit
        from sunshine.models import AuditEntry, User
        from tests.factories import make_id_number

        today = dt.date.today()
        worker = User.objects.create_user("bench_worker", role="township_worker", region_id=TOWNSHIP)
        persons = Person.objects.bulk_create(
            Person(id_number=make_id_number(n), name=f"测试{n}", township_id=TOWNSHIP, sex="M",
                   birth_date=dt.date(1985, 3, 14), registered_on=dt.date(2020, 1, 1))
            for n in range(args.persons)
        )  # fmt: skip
        start = today - dt.timedelta(days=400)
        Measure.objects.bulk_create(
            Measure(person=p, kind="community_detox", ordered_on=start, reported_on=start, started_on=start)
            for p in persons
        )
        history = [today - dt.timedelta(days=30 * m) for m in range(1, 13)]
        Visit.objects.bulk_create(Visit(person=p, visited_on=day) for p in persons for day in history)
        UrineTest.objects.bulk_create(
            UrineTest(person=p, tested_on=day, result="negative") for p in persons for day in history
        )
        client = Client()
        client.force_login(worker)
        records = batch([p.pk for p in persons], args.records)
        audit_before = AuditEntry.objects.count()

        cpu_used, db_used, counts = [], [], []  # the web process's CPU, the time spent waiting on SQL, queries

        def send() -> tuple[float, list[str]]:
            began, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    "/api/v1/sync/", {"records": records}, content_type="application/json", secure=True
                )
            elapsed = time.perf_counter() - began
            cpu_used.append(time.process_time() - cpu)
            db_used.append(sum(float(q["time"]) for q in queries.captured_queries))
            counts.append(len(queries.captured_queries))
            if os.environ.get("BENCH_QUERIES"):
                slow, calls = collections.Counter(), collections.Counter()
                for query in queries.captured_queries:
                    sql = re.sub(r"\d+|'[^']*'", "?", query["sql"])[:150]
                    slow[sql] += float(query["time"])
                    calls[sql] += 1
                for sql, seconds in slow.most_common(15):
                    print(f"{seconds:6.2f} s {calls[sql]:5d}x  {sql}")
                print(f"{len(queries.captured_queries)} queries")
            assert response.status_code == 200, response.content[:500]
            return elapsed, [result["status"] for result in response.json()["results"]]

        first, statuses = send()
        refused = [s for s in statuses if s != "created"]
        again, repeated = send()
        rows = sum(model.objects.filter(recorded_by=worker).count() for model in (Visit, UrineTest, Absence, Leave))
        audited = AuditEntry.objects.count() - audit_before
        print(f"first send: {len(records)} records in {first:.2f} s ({len(refused)} not created); "
              f"{counts[0]} queries, {db_used[0]:.2f} s in SQL, {cpu_used[0]:.2f} s of Python CPU; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
        print(f"second send: {again:.2f} s, all exists: {set(repeated) == {'exists'}}")
        print(f"rows written: {rows}; audit entries added: {audited}")
        once = rows == len(records) and set(repeated) == {"exists"}
        print(json.dumps({"records": len(records), "first_s": round(first, 2), "resend_s": round(again, 2),
                          "queries": counts[0], "sql_s": round(db_used[0], 2), "python_cpu_s": round(cpu_used[0], 2),
                          "load": round(os.getloadavg()[0], 1), "rows": rows, "exactly_once": once,
                          "audit_entries": audited, "bar_s": 5}))  # fmt: skip


if __name__ == "__main__":
    main()
