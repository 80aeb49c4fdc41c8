import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.snapshots import month_ends, snapshots_compute, snapshots_compute_range


class Command(BaseCommand):
    help = (
        "Compute the indicator snapshots of every region for a date (default: yesterday), or for each month end "
        "from --from to --to (both included; their figures in one pass). Idempotent: a date's snapshots are "
        "replaced in one transaction. "
        "No date after today: its figures would be stored before its events happen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, date, start, end, **options):
        if date and (start or end):
            raise CommandError("Give --date, or --from and --to, not both.")
        if bool(start) != bool(end):
            raise CommandError("--from and --to go together.")
        today = timezone.localdate()
        if start and start > end:
            raise CommandError("--from comes after --to.")
        if (date or end or today) > today:
            raise CommandError(f"No figures for a day after today ({today.isoformat()}).")
        days = (
            [day for day in month_ends(start, end) if day <= end] if start else [date or today - dt.timedelta(days=1)]
        )
        if not days:
            raise CommandError("No month end lies between --from and --to.")
        began = last = time.perf_counter()
        # one date: the nightly statement; several: their figures in one pass, then stored date by date
        stored = snapshots_compute_range(days) if start else [(days[0], snapshots_compute(day=days[0]))]
        for day, rows in stored:
            now = time.perf_counter()
            # (a range computes every date's figures before storing the first: its line holds that time)
            self.stdout.write(f"{day.isoformat()}: {rows} snapshots in {now - last:.2f} s")
            last = now
        if start:
            self.stdout.write(f"{len(days)} dates computed and stored in {time.perf_counter() - began:.2f} s")
