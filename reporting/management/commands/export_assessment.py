from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reporting.assessment import FORMATS, assessment_document, audit_export
from sunshine.access import SYSTEM
from sunshine.choices import Level
from sunshine.models import Region

STEPS = {1: "figures ready", 2: "file written", 3: "done"}


class Command(BaseCommand):
    help = (
        "Write a region's assessment report for a year as Excel or PDF: the finalised report, regenerated from its "
        "frozen figures, when there is one; otherwise a draft from the latest snapshots of the year. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="division code of a province, prefecture or county")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, type=Path, help="the file to write")

    def handle(self, *args, region: str, year: int, fmt: str, output: Path, **options):
        place = Region.objects.filter(code=region).first()
        if place is None:
            raise CommandError(f"Unknown region {region}.")
        if place.level == Level.TOWNSHIP:
            raise CommandError("A township has no level below it to assess: give a county or above.")

        def progress(done, total):
            if done in STEPS:
                self.stdout.write(f"[{done}/{total}] {STEPS[done]}")

        self.stdout.write(f"Assessment of {place.name} ({place.code}) for {year}, {fmt}")
        with translation.override(settings.LANGUAGE_CODE):
            try:
                document = assessment_document(viewer=SYSTEM, region=place, year=year, fmt=fmt, progress=progress)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        output.write_bytes(document.content)
        audit_export(user=None, document=document, fmt=fmt, via="export_assessment")
        kind = "final" if document.final else "draft"
        self.stdout.write(
            f"Wrote {output} ({kind}, figures as of {document.figures['snapshot_date']}, "
            f"{len(document.content)} bytes, sha256 {document.sha256})"
        )
