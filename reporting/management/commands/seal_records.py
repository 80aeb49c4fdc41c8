import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.services import seal_records


class Command(BaseCommand):
    help = (
        "The nightly sealing pass (DESIGN §3b): seal the files of the persons who count as abstinent three years on "
        "--date (default: today), by the indicators' own rule, and print how many were sealed and how many were "
        "unsealed by new cases that day. Idempotent: a second run seals nobody."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, date, **options):
        today = timezone.localdate()
        day = date or today
        if day > today:
            raise CommandError(f"No sealing for a day after today ({today.isoformat()}).")
        sealed, unsealed = seal_records(day=day)
        self.stdout.write(f"{day.isoformat()}: sealed {sealed}, unsealed {unsealed}")
