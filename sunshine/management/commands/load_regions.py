import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from sunshine.choices import LEVEL_DEPTH
from sunshine.models import Region

DATA = Path(__file__).resolve().parents[2] / "data" / "guizhou_divisions.csv"


class Command(BaseCommand):
    help = "Load (or refresh) Guizhou's administrative divisions shipped with the project. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA, help="CSV with code,name,level,parent_code")

    @transaction.atomic
    def handle(self, *args, file: Path, **options):
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows = [Region.from_row(r["code"], r["name"], r["parent_code"]) for r in csv.DictReader(handle)]
        rows.sort(key=lambda region: LEVEL_DEPTH[region.level])  # parents before children
        existing = set(Region.objects.values_list("code", flat=True))
        Region.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "parent", "level", "is_urban"],
        )
        added = len({r.code for r in rows} - existing)
        self.stdout.write(f"{len(rows)} regions loaded ({added} new).")
