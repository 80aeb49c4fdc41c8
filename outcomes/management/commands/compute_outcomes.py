import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from outcomes.services import outcomes_compute


class Command(BaseCommand):
    help = (
        "Compute the relapse outcomes (Kaplan–Meier curves, hazard ratios) of the province, every prefecture and "
        "every county as of a date (default: yesterday). Idempotent: that date's reports are replaced in one "
        "transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, date, **options):
        today = timezone.localdate()
        day = date or today - dt.timedelta(days=1)
        if day > today:
            raise CommandError(f"No outcomes for a day after today ({today.isoformat()}).")
        began = time.perf_counter()
        reports = outcomes_compute(day=day)
        self.stdout.write(f"{day.isoformat()}: {reports} regions in {time.perf_counter() - began:.2f} s")
