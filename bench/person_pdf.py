"""The person-file PDF (issue 17: "person PDF ≤ 400 ms"), timed in process on a seeded database.

    DEBUG=1 .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_regions
    .venv/bin/python manage.py seed_demo --persons 300
    .venv/bin/python bench/person_pdf.py --rounds 10

As ``demo_province`` through Django's test client (the whole view: scope, timeline, WeasyPrint, audit), it times the
file of the person with the median timeline and of the one with the longest, among the first ``--sample`` persons:
the median wall and CPU time of ``--rounds`` requests after one warm-up, the pages and the bytes. ``--profile``
prints the functions where one request of the longest file spends its time (cProfile, by internal time). Its last
line is JSON. Wall time on a shared machine moves with its load; CPU time is the steadier figure.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time

from pages import setup, signed_in  # (and, as it is imported, the project on the path and its settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--sample", type=int, default=300, help="choose the persons among this many (by id)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup()
    from django.urls import reverse
    from pypdf import PdfReader

    from cases.models import Person
    from cases.timeline import timeline
    from sunshine.models import User

    officer = User.objects.get(username="demo_province")
    client = signed_in("demo_province")
    persons = Person.objects.visible_to(officer).order_by("pk")[: args.sample]
    by_length = sorted((len(timeline(person, user=officer)), person.pk) for person in persons)
    chosen = {"median": by_length[len(by_length) // 2], "longest": by_length[-1]}

    results = {}
    for label, (entries, pk) in chosen.items():
        url = reverse("cases:person_file_pdf", args=[pk])
        content = client.get(url).content  # warm-up: imports, fonts found, templates compiled
        walls, cpus = [], []
        for _ in range(args.rounds):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
        pages = len(PdfReader(io.BytesIO(content)).pages)
        results[label] = {
            "person": pk,
            "timeline_entries": entries,
            "pages": pages,
            "bytes": len(content),
            "wall_ms": round(statistics.median(walls)),
            "cpu_ms": round(statistics.median(cpus)),
        }
        print(
            f"{label} file (person {pk}, {entries} timeline entries, {pages} pages, {len(content):,} bytes): "
            f"median {statistics.median(walls):.0f} ms wall, {statistics.median(cpus):.0f} ms CPU "
            f"over {args.rounds} requests"
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(client.get, reverse("cases:person_file_pdf", args=[chosen["longest"][1]]))
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    print(json.dumps({"rounds": args.rounds, **results}))


if __name__ == "__main__":
    main()
