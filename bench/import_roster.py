"""Roster import benchmark (issue #7): a county ledger of 10,000 persons with their sheets, checked (dry run),
imported, and imported again (nothing to do), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_roster.py --persons 10000

It creates (and afterwards drops) its own database `sunshine_bench_roster` on that server, loads the regions,
makes a county officer of 南明区 (520102), writes the workbook with openpyxl (write-only) and times
``roster_import`` on it. Per person: a community detox measure (a third of them after compulsory isolation and
community rehabilitation instead), ~20 urine tests; 5 % have a drug-use finding, 3 % a status event, 25 % a
placement (half at one of 20 bases), 10 % a transfer from another township. The last line is one JSON object.
"""

import argparse
import datetime as dt
import io
import json
import time

from scratch import scratch_database

DATABASE = "sunshine_bench_roster"
COUNTY = "520102"


def id_number(n: int) -> str:
    from stdnum.cn.ric import calc_check_digit

    born = dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000 * 7)
    body = f"{COUNTY}{born:%Y%m%d}{n % 1000:03d}"
    return body + calc_check_digit(body + "0")


def build_workbook(persons: int, tests_per_person: int, townships: list[str]) -> tuple[bytes, dict]:
    """The roster as an xlsx file (bytes) and the number of rows per sheet."""
    from openpyxl import Workbook

    from cases.roster.sheets import registered_sheets

    book = Workbook(write_only=True)
    sheets = {sheet.name: book.create_sheet(sheet.name) for sheet in registered_sheets()}
    for sheet in registered_sheets():
        sheets[sheet.name].append([column.header for column in sheet.columns])
    rows = dict.fromkeys(sheets, 0)

    def add(name, row):
        sheets[name].append(row)
        rows[name] += 1

    day = dt.timedelta(days=1)
    for base in range(20):
        add("安置基地", [f"JD-{base:03d}", f"安置基地{base}", townships[base % len(townships)], dt.date(2008, 1, 1)])
    for n in range(persons):
        number, township = id_number(n), townships[n % len(townships)]
        registered = dt.date(2008, 1, 1) + (n * 7919 % 1200) * day
        add("人员", [number, f"测试{n}", township, registered, registered - 400 * day, "海洛因", "贵阳市南明区",
                     "南明区某路", f"138{n:08d}"])  # fmt: skip
        if n % 3 == 0:  # isolation, released after two years, then community rehabilitation
            add("措施", [number, "强制隔离戒毒", registered + 5 * day, None, None, registered + 735 * day, "期满释放"])
            ordered = registered + 740 * day
            add("措施", [number, "社区康复", ordered, ordered + 5 * day, None, None, None])
            start = ordered + 5 * day
        else:
            ordered = registered + 10 * day
            add("措施", [number, "社区戒毒", ordered, ordered + 10 * day, None, None, None])
            start = ordered + 10 * day
        for t in range(tests_per_person):
            result = "阳性" if (n + t) % 53 == 0 else "逃避" if (n + t) % 41 == 0 else "阴性"
            add("尿检", [number, start + (t * 30 + 5) * day, result])
        if n % 20 == 0:
            add("复吸", [number, start + 100 * day])
        if n % 33 == 0:
            add("状态", [number, "失控", start + 200 * day])
        if n % 4 == 0:
            at_base = n % 8 == 0
            add("就业", [number, "集中" if at_base else "分散", f"JD-{n % 20:03d}" if at_base else None,
                         start + 60 * day, start + 60 * day + 729 * day, "是"])  # fmt: skip
        if n % 10 == 0:
            origin = townships[(n + 1) % len(townships)]
            add("调动", [number, origin, township, registered - 30 * day])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--tests", type=int, default=20, help="urine tests per person")
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database afterwards")
    args = parser.parse_args()
    with scratch_database(DATABASE, keep=args.keep):
        run(args.persons, args.tests)


def run(persons: int, tests: int) -> None:
    from django.db import connection

    from cases.models import Person, UrineTest
    from cases.roster.services import roster_import
    from sunshine.models import AuditEntry, Region, User

    officer = User.objects.create(username="bench_county", role="county_officer", region_id=COUNTY)
    townships = list(Region.objects.filter(parent_id=COUNTY).order_by("code").values_list("code", flat=True))

    began = time.perf_counter()
    content, rows = build_workbook(persons, tests, townships)
    built = time.perf_counter() - began
    total_rows = sum(rows.values())
    print(f"workbook: {total_rows} rows ({rows}), {len(content) / 1e6:.1f} MB, written in {built:.1f} s")

    def timed(label, **kwargs):
        began = time.perf_counter()
        report = roster_import(user=officer, content=content, file_name="bench.xlsx", **kwargs)
        seconds = time.perf_counter() - began
        assert not report.errors, report.errors[:5]
        print(f"{label}: {seconds:.1f} s {report.totals()}")
        return seconds

    dry_run = timed("dry run", dry_run=True)
    imported = timed("import")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    again = timed("re-import (nothing to change)")
    counts = {"persons": Person.objects.count(), "tests": UrineTest.objects.count(),
              "audit_entries": AuditEntry.objects.count()}  # fmt: skip
    print(f"written: {counts}")
    print(json.dumps({"persons": persons, "rows": total_rows, "file_mb": round(len(content) / 1e6, 1),
                      "dry_run_s": round(dry_run, 1), "import_s": round(imported, 1),
                      "reimport_s": round(again, 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
