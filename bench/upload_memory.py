"""Peak memory of reading a roster upload near the 50 MB limit (issue #12): the zip checks, then calamine in the
memory-limited child (sunshine.uploads). No database is needed.

    .venv/bin/python bench/upload_memory.py --persons 60000

The workbook is the one bench/import_roster.py writes (about 0.8 MB per thousand persons), kept in /tmp between
runs. Peak memory is the resident set: the child's (RUSAGE_CHILDREN) and this process's, which receives the rows.
The last line is one JSON object.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=60_000)
    parser.add_argument("--tests", type=int, default=20, help="urine tests per person")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
    import django

    django.setup()
    from django.conf import settings
    from import_roster import build_workbook

    from cases.roster.reader import read_roster
    from sunshine.uploads import xlsx_check

    cached = Path(tempfile.gettempdir()) / f"sunshine-bench-roster-{args.persons}-{args.tests}.xlsx"
    if not cached.exists():
        townships = [f"520102{n:03d}" for n in range(1, 13)]
        cached.write_bytes(build_workbook(args.persons, args.tests, townships)[0])
    content = cached.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    xlsx_check(content)
    checked = time.perf_counter() - began
    began = time.perf_counter()
    sheets = read_roster(content, "bench.xlsx", csv_title="人员")
    read = time.perf_counter() - began
    rows = sum(len(sheet.rows) for sheet in sheets)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file {len(content) / 1e6:.1f} MB, {rows} rows; zip checks {checked:.1f} s; read in the child {read:.1f} s")
    print(f"peak resident: child {child:.0f} MB (limit {settings.UPLOAD_READ_MEMORY_MB} MB above the parent), "
          f"parent {parent:.0f} MB (before reading {before:.0f} MB)")  # fmt: skip
    figures = {"file_mb": round(len(content) / 1e6, 1), "rows": rows, "check_s": round(checked, 1),
               "read_s": round(read, 1), "child_peak_mb": round(child), "parent_peak_mb": round(parent)}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
