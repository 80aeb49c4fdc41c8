import time
import unicodedata
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cases.roster.jobs import summary
from cases.roster.services import roster_import
from sunshine.models import User


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class Command(BaseCommand):
    help = (
        "Import a roster: an xlsx workbook with the sheets 人员 措施 尿检 复吸 状态 安置基地 就业 调动 "
        "(DESIGN §6), or a CSV file (UTF-8 with or without BOM, or GBK) holding the 人员 sheet "
        "alone. Every row is checked first; one refused row anywhere and nothing is written, and every refused row "
        "is listed with its sheet, row number, column and reason. Re-importing the same file changes nothing. The "
        "import runs as the staff account given by --user (required): a township worker or county officer, whose "
        "region bounds the rows, exactly as on the import page. Exits with status 1 when a row is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook or .csv file")
        parser.add_argument(
            "--user", required=True, help="username of the importing township worker or county officer (required)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        importer = User.objects.filter(username=user).select_related("region").first()
        if importer is None:
            raise CommandError(f"No staff account named {user!r}.")
        began, shown = time.perf_counter(), [-1]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total
            if percent // 10 != shown[0] // 10:
                shown[0] = percent
                self.stderr.write(f"{percent:3d}% ({time.perf_counter() - began:.1f} s)")

        try:
            report = roster_import(
                user=importer, content=path.read_bytes(), file_name=path.name, dry_run=dry_run, progress=progress
            )
        except PermissionDenied:
            raise CommandError(f"{user} may not import rosters (township workers and county officers only).") from None
        width = max([display_width(sheet) for sheet in report.counts] + [5])
        self.stdout.write(f"{'sheet':<{width}}  {'create':>8} {'update':>8} {'unchanged':>9}")
        for sheet, counts in report.counts.items():
            padding = " " * (width - display_width(sheet))
            self.stdout.write(f"{sheet}{padding}  {counts['create']:>8} {counts['update']:>8} {counts['unchanged']:>9}")
        for title in report.ignored_sheets:
            self.stdout.write(f"ignored sheet: {title}")
        for error in report.errors:
            where = f"{error.sheet} row {error.row}" if error.sheet else "file"
            column = f" {error.column}" if error.column else ""
            self.stdout.write(f"{where}{column}: {error.message} [{error.code}]")
        self.stdout.write(f"{summary(report)} ({time.perf_counter() - began:.1f} s)")
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows refused; nothing was imported.")
