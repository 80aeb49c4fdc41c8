import datetime as dt
import json as _json

from django.core.management.base import BaseCommand, CommandError

from reporting.models import IndicatorSnapshot
from sunshine.models import Region


class Command(BaseCommand):
    help = "Print a region's snapshot for a date: each indicator's code, numerator, denominator and value."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="division code")
        parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="a JSON list of {code, numerator, denominator, value}")

    def handle(self, *args, region, date, json: bool, **options):
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"Unknown region {region}.")
        snapshots = list(IndicatorSnapshot.objects.filter(region_id=region, date=date).order_by("pk"))
        if not snapshots:
            raise CommandError(f"No snapshot for {region} on {date}: run compute_indicators --date {date} first.")
        rows = [
            {"code": s.indicator, "numerator": s.numerator, "denominator": s.denominator, "value": s.value}
            for s in snapshots
        ]
        if json:
            self.stdout.write(_json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            if row["denominator"] is None:
                self.stdout.write(f"{row['code']:22} {row['numerator']}")
            else:
                value = "no data" if row["value"] is None else f"{row['value']:.4f}"
                self.stdout.write(f"{row['code']:22} {row['numerator']} / {row['denominator']}  {value}")
