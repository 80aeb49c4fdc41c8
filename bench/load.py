"""Load benchmark at province scale (issue 17): the pages staff use, under 5 to 50 simultaneous users, on the
demo population, through gunicorn with DEBUG off, on PostgreSQL.

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/postgres .venv/bin/python bench/load.py --persons 120000 \\
        --small 30000 [--reuse] [--keep]

For each size (`--persons`, and `--small` for the growth ratio) it seeds the database `sunshine_load_<size>` on
that server (`seed_demo --persons <size> --today 2026-11-30`, VACUUM ANALYZE, the month-end figures of the last two
years), or with `--reuse` takes it as it is when it already holds that population. It collects the static files
with the production storage, creates one bench account per simulated user (township workers of the 30 largest
townships, county officers of the 10 largest counties, prefecture officers of the 5 largest prefectures,
provincial officers; TOTP devices for the officers, whose two-factor sign-in stays on), starts gunicorn on a free
port and runs locust (`bench/load_users.py`) headless:

- each stage of `--stages` (5,10,20,30,50 users) for `--seconds` after the last has signed in (sign-ins are
  not counted), 0.5–1.5 s between pages: per-page p50/p95, throughput, and the knee (the last stage before
  throughput stops keeping up with users: a stage whose throughput grows by less than half as much,
  proportionally, as its users);
- one user opening every page of each level, one after another, `--rounds` times, on each size: the medians
  whose ratio is the growth from `--small` to `--persons`.

The last line is JSON: `{"persons": N, "users": 20, "rps": x, "p95_ms": {page: ms}, "growth": {page: ratio},
"knee_users": k, "stages": [...]}` (`p95_ms` at 20 users, or the stage nearest it). The databases are dropped
at the end unless `--keep`.
"""

import argparse
import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEMO_TODAY = dt.date(2026, 11, 30)  # the last day of the demo history: the same population whatever day it runs
THINK_S = (0.5, 1.5)
# The levels of the simulated users, in the order they sign in: of every ten, six township workers, two county
# officers, one prefecture officer and one provincial officer.
LEVELS = ["township", "county", "township", "province", "township", "county", "township", "prefecture",
          "township", "township"]  # fmt: skip
ROLES = {"township": "township_worker", "county": "county_officer", "prefecture": "prefecture_officer",
         "province": "province_officer"}  # fmt: skip
DRILL_DOWN = ("control_rate", "placement_rate")  # the figures offices drill into, of a county


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=120_000)
    parser.add_argument("--small", type=int, default=30_000, help="the size the growth ratio compares with (0: none)")
    parser.add_argument("--stages", default="5,10,20,30,50", help="users of each load stage")
    parser.add_argument("--seconds", type=int, default=60, help="length of each stage, after signing in")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the one-user walk over every page")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the image's 3)")
    parser.add_argument("--reuse", action="store_true", help="take sunshine_load_<size> as it is if it is seeded")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    stages = [int(users) for users in args.stages.split(",")]
    sizes = [args.persons] + ([args.small] if args.small else [])

    server = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if not server.scheme.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL to a server it may create databases on.")
    urls = {size: urlunsplit(server._replace(path=f"/sunshine_load_{size}")) for size in sizes}
    os.environ.update(DATABASE_URL=urls[args.persons], DJANGO_SETTINGS_MODULE="sunshine.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    work = Path(tempfile.mkdtemp(prefix="sunshine_load_"))
    try:
        plans = {}
        for size in sizes:
            use_database(server, size, reuse=args.reuse)
            plans[size] = write_plan(work / f"plan_{size}.json", bench_accounts(max(stages)))
        collect_static()
        results = []
        with serve(urls[args.persons], args.workers, work / f"gunicorn_{args.persons}.log") as url:
            for users in stages:
                keep_work_list(args.persons)
                results.append((users, locust(url, plans[args.persons], work / f"load_{users}", users=users,
                                              seconds=args.seconds)))  # fmt: skip
                report_stage(users, results[-1][1])
            keep_work_list(args.persons)
            probes = {args.persons: probe(url, plans[args.persons], work / "probe_large", args.rounds)}
        if args.small:
            keep_work_list(args.small)
            with serve(urls[args.small], args.workers, work / f"gunicorn_{args.small}.log") as url:
                probes[args.small] = probe(url, plans[args.small], work / "probe_small", args.rounds)
        summary(args.persons, args.small, results, probes)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            for size in sizes:
                drop_database(server, size)


# ------------------------------------------------------------------------------------------------ databases


def _admin(server):
    import psycopg2

    admin = psycopg2.connect(urlunsplit(server))
    admin.autocommit = True
    return admin


def use_database(server, size: int, *, reuse: bool) -> None:
    """Point Django at sunshine_load_<size>, seeding it first unless ``reuse`` finds that population there."""
    from django.core.management import call_command
    from django.db import connection, connections

    from reporting.indicators import classes_stored

    name = f"sunshine_load_{size}"
    connections.close_all()
    connections.settings["default"]["NAME"] = name  # the one connection setting that differs between sizes
    admin = _admin(server)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if reuse and exists:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_person")
            if cursor.fetchone()[0] == size:
                call_command("migrate", verbosity=0)  # the code may have moved on since it was seeded
                keep_work_list(size)  # seeded on another day, perhaps
                if not classes_stored(DEMO_TODAY):  # seeded before the drill-downs' classes were stored
                    call_command("compute_indicators", date=DEMO_TODAY, stdout=io.StringIO())
                    with connection.cursor() as cursor:
                        cursor.execute("VACUUM ANALYZE reporting_classedperson")  # as autovacuum would
                print(f"{name}: reused ({size:,} persons)", flush=True)
                admin.close()
                return
        connections.close_all()
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    began = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0)
        call_command("load_regions", stdout=quiet)
        call_command("seed_demo", persons=size, today=DEMO_TODAY, stdout=quiet)
        with connection.cursor() as cursor:
            # the planner's statistics and the visibility map (index-only scans), as autovacuum would leave them
            cursor.execute("VACUUM ANALYZE")
        seeded = time.perf_counter() - began
        since = DEMO_TODAY.replace(year=DEMO_TODAY.year - 2, day=1)
        call_command("compute_indicators", start=since, end=DEMO_TODAY, stdout=quiet)
        call_command("compute_indicators", date=DEMO_TODAY, stdout=quiet)  # as the nightly run: the classes too
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE reporting_classedperson")
    print(f"{name}: seeded in {seeded:.0f} s, figures of {since}..{DEMO_TODAY} in "
          f"{time.perf_counter() - began - seeded:.0f} s", flush=True)  # fmt: skip


def keep_work_list(size: int) -> None:
    """Rebuild today's work list in sunshine_load_<size> if none is stored for today (the day has turned at
    midnight in TIME_ZONE, or ``migrate`` dropped it): the quarter-hourly task would have, and without it every
    office's work list is computed live."""
    from django.db import connections
    from django.utils import timezone

    from cases.models import WorkDue, WorkListDay
    from cases.services.work_list import work_list_rebuild
    from sunshine.db import analyze

    if connections.settings["default"]["NAME"] != f"sunshine_load_{size}":
        connections.close_all()
        connections.settings["default"]["NAME"] = f"sunshine_load_{size}"
    if not WorkListDay.holds(timezone.localdate()):
        work_list_rebuild(timezone.localdate())
        analyze(WorkDue)  # as autovacuum would a minute later (this machine's PostgreSQL may run none)
        print(f"sunshine_load_{size}: work list of {timezone.localdate()} rebuilt (none was stored)", flush=True)


def drop_database(server, size: int) -> None:
    admin = _admin(server)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS sunshine_load_{size}")
    admin.close()


# ------------------------------------------------------------------------------------------------- accounts


def bench_accounts(count: int) -> list[dict]:
    """``count`` bench accounts (created if missing) with what each opens: persons of its region, search terms
    taken from one of them, the county figures it drills into."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Max
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import Person
    from demo.population import DEMO_PASSWORD
    from reporting.models import IndicatorSnapshot
    from sunshine.choices import Level
    from sunshine.models import User
    from sunshine.regions import RegionCode

    persons = Person.objects.values("township_id").annotate(n=Count("id")).order_by("-n", "township_id")
    by_township = {row["township_id"]: row["n"] for row in persons}

    def largest(level: Level, within: str = "") -> list[str]:
        sizes: dict[str, int] = {}
        for township, n in by_township.items():
            if not within or RegionCode(within).contains(township):
                code = RegionCode(township).at(level)
                sizes[code] = sizes.get(code, 0) + n
        return sorted(sizes, key=lambda code: (-sizes[code], code))

    regions = {
        "township": largest(Level.TOWNSHIP)[:30],
        "county": largest(Level.COUNTY)[:10],
        "prefecture": largest(Level.PREFECTURE)[:5],
        "province": ["52"],
    }
    latest = IndicatorSnapshot.objects.aggregate(day=Max("date"))["day"]
    password = make_password(DEMO_PASSWORD)
    accounts, seen = [], {level: 0 for level in ROLES}
    for number in range(count):
        level = LEVELS[number % len(LEVELS)]
        region = regions[level][seen[level] % len(regions[level])]
        seen[level] += 1
        username = f"load_{level}_{seen[level]:02d}"
        user, _created = User.objects.get_or_create(
            username=username, defaults={"role": ROLES[level], "region_id": region, "password": password}
        )
        key = ""
        if level != "township":
            device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            key = device.key
        chooser = random.Random(username)
        ids = sorted(Person.objects.within(region).values_list("id", flat=True))
        sample = chooser.sample(ids, min(40, len(ids)))
        someone = Person.objects.get(pk=sample[0])
        county = region if level == "county" else largest(Level.COUNTY, region if level != "province" else "")[0]
        drill_downs = list(
            IndicatorSnapshot.objects.filter(date=latest, region_id=county, indicator__in=DRILL_DOWN).values_list(
                "id", flat=True
            )
        )
        accounts.append({
            "username": username, "password": DEMO_PASSWORD, "totp_key": key, "level": level, "persons": sample,
            "drill_downs": drill_downs,
            "searches": {"name": someone.name[1:] if len(someone.name) > 2 else someone.name,
                         "pinyin": someone.name_initials, "id": someone.id_number[-4:]},
        })  # fmt: skip
    return accounts


def write_plan(path: Path, accounts: list[dict]) -> Path:
    plan = {"accounts": accounts, "think_s": THINK_S, "mode": "mix"}
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ server, locust


def _production_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "REDIS_URL")}
    # DEBUG off (the production settings: manifest static storage, two-factor sign-in); plain HTTP on localhost.
    return env | {"DATABASE_URL": database_url, "SECURE_COOKIES": "false"}


def collect_static() -> None:
    """collectstatic with the production storage, unless its manifest is newer than every static file."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    began = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=ROOT, env=_production_env(os.environ["DATABASE_URL"]), check=True)  # fmt: skip
    print(f"collectstatic (manifest storage, DEBUG off): {time.perf_counter() - began:.0f} s", flush=True)


@contextlib.contextmanager
def serve(database_url: str, workers: int, log: Path):
    """gunicorn with DEBUG off on a free port of localhost; stopped at the end."""
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "sunshine.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "120"],
            cwd=ROOT, env=_production_env(database_url), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5) as response:  # noqa: S310 (ours)
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not answer within a minute")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def locust(url: str, plan: Path, prefix: Path, *, users: int, seconds: int, mode: str = "mix") -> dict[str, dict]:
    """Run the locustfile headless; its statistics by request name ("Aggregated" for all)."""
    env = os.environ | {"LOAD_PLAN": str(plan), "LOAD_USERS": str(users), "LOAD_SECONDS": str(seconds)}
    spawn_rate = max(1, users // 5)  # all signed in within about five seconds
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
               "--host", url, "--users", str(users), "--spawn-rate", str(spawn_rate), "--csv", str(prefix),
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]  # fmt: skip
    # The locustfile stops the run: ``seconds`` after the last user has signed in (the statistics start then), or
    # when the probe has opened every page. The run time is only a safety net (a user that could not sign in).
    command += ["--run-time", f"{seconds + 300}s" if mode == "mix" else "30m"]
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    stats = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as table:
        for row in csv.DictReader(table):
            if row["Request Count"] == "0":
                continue  # a name seen before the statistics were reset (sign in)
            stats[row["Name"]] = {
                "count": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50": float(row["50%"]), "p95": float(row["95%"]), "rps": float(row["Requests/s"]),
            }  # fmt: skip
    if not stats.get("Aggregated", {}).get("count"):
        sys.exit(f"locust recorded nothing (exit {finished.returncode}):\n{finished.stderr[-3000:]}")
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8").splitlines()[1:]
    for line in failures[:10]:
        print(f"  failure: {line}", flush=True)
    return stats


def probe(url: str, plan: Path, prefix: Path, rounds: int) -> dict[str, float]:
    """One user opens every page of every level ``rounds`` times: the median of each page (ms)."""
    data = json.loads(plan.read_text(encoding="utf-8")) | {"mode": "probe", "rounds": rounds}
    probe_plan = prefix.with_suffix(".json")
    probe_plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    stats = locust(url, probe_plan, prefix, users=1, seconds=0, mode="probe")
    return {name: row["p50"] for name, row in stats.items() if name != "Aggregated"}


# ------------------------------------------------------------------------------------------------- reports


def report_stage(users: int, stats: dict[str, dict]) -> None:
    total = stats["Aggregated"]
    print(f"\n{users} users: {total['rps']:.1f} req/s, p50 {total['p50']:.0f} ms, p95 {total['p95']:.0f} ms, "
          f"{total['count']} requests, {total['failures']} failed", flush=True)  # fmt: skip
    print(f"  {'page':32} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in sorted(stats.items()):
        if name != "Aggregated":
            print(f"  {name:32} {row['count']:>8} {row['p50']:>8.0f} {row['p95']:>8.0f}")


def knee(results: list[tuple[int, dict]]) -> int:
    """The last stage before one whose throughput grows by less than half as much, proportionally, as its
    users (with 0.5–1.5 s of thinking, an unsaturated server's throughput grows with its users)."""
    for (users_before, before), (users, stats) in itertools.pairwise(results):
        if stats["Aggregated"]["rps"] / before["Aggregated"]["rps"] - 1 < (users / users_before - 1) / 2:
            return users_before
    return results[-1][0]


def summary(persons: int, small: int, results: list[tuple[int, dict]], probes: dict[int, dict]) -> None:
    print(f"\n{'users':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'failed':>7}")
    for users, stats in results:
        total = stats["Aggregated"]
        print(f"{users:>6} {total['rps']:>7.1f} {total['p50']:>7.0f} {total['p95']:>7.0f} {total['failures']:>7}")
    bend = knee(results)
    print(f"knee: {bend} users ({dict(results)[bend]['Aggregated']['rps']:.1f} req/s)")
    growth = {}
    if small:
        print(f"\none user, every page in turn: median ms at {small:,} and {persons:,} persons")
        for name in sorted(probes[persons]):
            large, little = probes[persons][name], probes[small].get(name)
            if little:
                growth[name] = round(large / little, 2)
            print(f"  {name:32} {little or 0:>8.0f} {large:>8.0f} {growth.get(name, 0):>6.2f}")
    users, stats = min(results, key=lambda result: abs(result[0] - 20))
    print(json.dumps({
        "persons": persons, "users": users, "rps": stats["Aggregated"]["rps"],
        "p95_ms": {name: row["p95"] for name, row in sorted(stats.items()) if name != "Aggregated"},
        "growth": growth, "knee_users": bend,
        "stages": [{"users": u, "rps": s["Aggregated"]["rps"], "p95_ms": s["Aggregated"]["p95"],
                    "failures": s["Aggregated"]["failures"]} for u, s in results],
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
