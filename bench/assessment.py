"""Assessment report and bulletin benchmark (issue 16): the province's report (figures, PDF, Excel, finalising) and
the province's monthly bulletin PDF, on PostgreSQL, with a demo population.

    DATABASE_URL=postgres://sunshine@127.0.0.1:5432/postgres .venv/bin/python bench/assessment.py --persons 20000

It creates (and afterwards drops) its own database `sunshine_bench_assessment`, seeds the demo population
(``seed_demo``), computes the snapshots of the year's and the previous year's 31 December and of the month ends
the bulletin compares, then times each step (median of ``--rounds``). The PDF's work grows with the regions that
have data (at most 9 prefectures and 88 counties in the province's document), not with the persons: the figures are
read from snapshots. With ``--out DIR`` it writes the finalised PDF, the bulletin PDF and the Excel file there.
The last line is one JSON object.
"""

import argparse
import datetime as dt
import io
import json
import statistics
import time
from pathlib import Path

from scratch import scratch_database


def timed(rounds: int, work):
    times, result = [], None
    for _round in range(rounds):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--year", type=int, default=2013)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    with scratch_database("sunshine_bench_assessment", keep=args.keep):
        from django.core.management import call_command
        from django.utils import translation
        from pypdf import PdfReader

        from reporting.assessment import assessment_figures, assessment_finalise
        from reporting.bulletin import bulletin_pdf
        from reporting.exports import assessment_pdf, assessment_xlsx
        from reporting.snapshots import snapshots_compute
        from sunshine.models import Region, User

        translation.activate("zh-hans")
        began = time.perf_counter()
        call_command("seed_demo", "--persons", str(args.persons), stdout=io.StringIO())
        seeded = time.perf_counter() - began
        year_end, last_year_end = dt.date(args.year, 12, 31), dt.date(args.year - 1, 12, 31)
        for day in (last_year_end, year_end, dt.date(args.year, 11, 30)):
            snapshots_compute(day=day)
        province = Region.objects.get(code="52")
        officer = User.objects.get(username="demo_province")

        figures_s, figures = timed(args.rounds, lambda: assessment_figures(region=province, year=args.year))
        pdf_s, _pdf = timed(args.rounds, lambda: assessment_pdf(figures, final=False))
        xlsx_s, xlsx = timed(args.rounds, lambda: assessment_xlsx(figures, final=False))
        began = time.perf_counter()
        report = assessment_finalise(user=officer, region=province, year=args.year)
        finalise_s = time.perf_counter() - began
        final_pdf = assessment_pdf(report.figures, final=True)
        bulletin_s, (bulletin, _name) = timed(
            args.rounds, lambda: bulletin_pdf(user=officer, region=province, month=dt.date(args.year, 12, 1))
        )
        pages = len(PdfReader(io.BytesIO(final_pdf)).pages)
        with_data = {level["level"]: sum(bool(p["figures"]["registered"]["value"]) for p in level["regions"])
                     for level in figures["levels"]}  # fmt: skip
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"assessment-52-{args.year}.pdf").write_bytes(final_pdf)
            (args.out / f"assessment-52-{args.year}.xlsx").write_bytes(xlsx)
            (args.out / f"bulletin-52-{args.year}-12.pdf").write_bytes(bulletin)
        print(f"persons {args.persons:,} (seeded in {seeded:.0f} s); regions with data {with_data}")
        print(
            f"province assessment: figures {figures_s:.2f} s, PDF {pdf_s:.2f} s ({pages} pages), Excel {xlsx_s:.2f} s"
        )
        print(f"finalising (figures, number, both files, checksums, save): {finalise_s:.2f} s")
        print(f"province bulletin PDF (numbered, audited): {bulletin_s:.2f} s")
        print(json.dumps({
            "persons": args.persons, "figures_s": round(figures_s, 3), "pdf_s": round(pdf_s, 3), "pages": pages,
            "xlsx_s": round(xlsx_s, 3), "finalise_s": round(finalise_s, 3), "bulletin_pdf_s": round(bulletin_s, 3),
        }))  # fmt: skip


if __name__ == "__main__":
    main()
