"""The stored work list against the live one, on a seeded database (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sunshine_worklist_120k .venv/bin/python bench/work_list.py

The database is one ``seed_demo --persons N`` filled (``seed_demo`` stores today's list). Prints, median ms of
``--rounds``: the rebuild (every quarter of an hour); a refresh of one person's items, as after a save
(``--persons`` persons with an active measure, each refreshed once); and the home page (the work list) through
Django's test client as ``demo_province`` (page 1 and page 50) and ``demo_county``, with the stored list and with
the list computed live (the same page with the stored day dropped), and their ratio. The rebuild at the end leaves
the list as found.
"""

import argparse
import random
import statistics
import time

from pages import median_ms, setup, signed_in  # (and, as it is imported, the project on the path and its settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--persons", type=int, default=50)
    args = parser.parse_args()

    setup()
    from django.utils import timezone

    from cases.models import Measure, Person, WorkDue
    from cases.services.work_list import work_list_drop, work_list_rebuild, work_list_refresh

    today = timezone.localdate()
    print(f"{Person.objects.count():,} persons; today {today}")

    rebuild = median_ms(lambda: work_list_rebuild(today), args.rounds)
    print(f"rebuild: {rebuild:8.0f} ms  ({WorkDue.objects.count():,} items)")
    active = list(Measure.objects.active_on(today).values_list("person_id", flat=True).distinct()[:5000])
    chosen = random.Random(1).sample(active, min(args.persons, len(active)))
    times = []
    for pk in chosen:
        began = time.perf_counter()
        work_list_refresh([pk])
        times.append((time.perf_counter() - began) * 1000)
    print(
        f"refresh one person: {statistics.median(times):6.1f} ms median, {max(times):6.1f} ms at most "
        f"({len(chosen)} persons)"
    )

    pages = [("province, page 1", "demo_province", ""), ("province, page 50", "demo_province", "?page=50"),
             ("county", "demo_county", "")]  # fmt: skip
    clients = {username: signed_in(username) for _label, username, _query in pages}

    def time_pages() -> dict:
        figures = {}
        for label, username, query in pages:
            client = clients[username]
            client.get("/" + query)  # warm
            figures[label] = median_ms(lambda c=client, q=query: c.get("/" + q), args.rounds)
        return figures

    stored = time_pages()
    work_list_drop()
    live = time_pages()
    work_list_rebuild(today)
    print(f"{'home page':20} {'stored':>9} {'live':>9} {'live/stored':>12}")
    for label in stored:
        print(f"{label:20} {stored[label]:7.0f} ms {live[label]:7.0f} ms {live[label] / stored[label]:11.1f}x")


if __name__ == "__main__":
    main()
