"""One provincial officer's pages, timed in process on a seeded database (issue 17 item 1: before and after).

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/sunshine_perf .venv/bin/python bench/pages.py --rounds 7

The database is one ``seed_demo --persons N --today 2026-11-30`` filled, with its month-end figures
(``compute_indicators``) and ``demo_province``. Through Django's test client (DEBUG off, two-factor off, the
plain static storage) it prints each page's median ms as that officer (and the home page, the work list, as
``demo_county`` too; ``--only home`` times just the pages whose name holds "home"), then the drill-down's two calls
(``drill_down`` and ``drill_down_sealed``) for the largest county and prefecture and two figures, with the list
lengths. No gunicorn, no network: the load benchmark (``bench/load.py``) is the one for throughput.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["REQUIRE_2FA"] = "0"


def median_ms(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def setup() -> None:
    """Django for a bench in process: the plain static storage (no collected manifest needed)."""
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def signed_in(username: str):
    """A test client signed in as ``username`` (after ``setup``)."""
    from django.test import Client

    from sunshine.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=username))
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    parser.add_argument("--only", default="", help="time only the pages whose name contains this (e.g. 'home')")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from reporting.indicators import drill_down, drill_down_sealed
    from reporting.models import IndicatorSnapshot
    from sunshine.models import User

    officer = User.objects.get(username="demo_province")
    client = signed_in("demo_province")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_initials, right(id_number, 4) FROM cases_person ORDER BY id LIMIT 1 OFFSET 777"
        )
        name, initials, digits = cursor.fetchone()
        cursor.execute(  # the county and the prefecture with the most persons
            "SELECT county.code, county.parent_id, count(*) FROM cases_person p "
            "JOIN sunshine_region township ON township.code = p.township_id "
            "JOIN sunshine_region county ON county.code = township.parent_id GROUP BY 1, 2"
        )
        by_county, by_prefecture = {}, {}
        for county, prefecture, persons in cursor.fetchall():
            by_county[county] = persons
            by_prefecture[prefecture] = by_prefecture.get(prefecture, 0) + persons
    county, prefecture = (max(counts, key=counts.get) for counts in (by_county, by_prefecture))
    figure = {
        code: IndicatorSnapshot.objects.filter(region_id=code, indicator="control_rate").latest("date").pk
        for code in (county, prefecture, "52")
    }
    county_officer = signed_in("demo_county")  # the demo county's office (520102)
    pages = {
        "home (work list)": "/",
        "home (work list), page 50": "/?page=50",
        "API visits, page 1": "/api/v1/visits/",
        "API visits, page 100": "/api/v1/visits/?page=100",
        "API urine tests, page 1": "/api/v1/urine-tests/",
        "API persons, page 1": "/api/v1/persons/",
        "person list, page 1": "/cases/persons/",
        "person list, page 200": "/cases/persons/?page=200",
        "search by name (2 characters)": f"/cases/persons/?q={name[:2]}",
        "search by initials": f"/cases/persons/?q={initials[:2]}",
        "search by ID digits": f"/cases/persons/?q={digits}",
        "bulletin": "/reporting/bulletin/",
        "dashboard": "/reporting/dashboard/",
        f"drill-down page, county {county}": f"/reporting/figures/{figure[county]}/persons/",
        f"drill-down page, prefecture {prefecture}": f"/reporting/figures/{figure[prefecture]}/persons/",
        "drill-down page, province": f"/reporting/figures/{figure['52']}/persons/",
    }
    timed = [(page, url, client) for page, url in pages.items()]
    timed += [("home (work list), county officer", "/", county_officer)]
    for page, url, browser in timed:
        if args.only not in page:
            continue
        assert browser.get(url).status_code == 200, url
        took = median_ms(lambda url=url, browser=browser: browser.get(url), args.rounds)
        print(f"{page:40} {took:7.0f} ms", flush=True)
    if args.only:
        return
    for code in (county, prefecture):
        for indicator in ("control_rate", "registered"):

            def both(code=code, indicator=indicator):
                lists = drill_down(day=args.day, region_code=code, indicator=indicator, viewer=officer)
                drill_down_sealed(day=args.day, region_code=code, indicator=indicator, viewer=officer)
                return lists

            numerator, denominator = both()
            lengths = f"{len(numerator)} / {'-' if denominator is None else len(denominator)}"
            took = median_ms(both, args.rounds)
            print(f"drill_down + sealed, {code} {indicator:13} {took:7.0f} ms  ({lengths})", flush=True)


if __name__ == "__main__":
    main()
