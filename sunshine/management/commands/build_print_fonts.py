from django.core.management.base import BaseCommand, CommandError

from sunshine.pdf import PRINT_WEIGHTS, build_print_font, print_font_path


class Command(BaseCommand):
    help = (
        "Cut the print fonts (GB 2312 and punctuation, from Debian's Noto Sans CJK SC) into PRINT_FONT_DIR, where "
        "PDF documents take them from. Skips a font already built, unless --force."
    )
    requires_system_checks = []  # it runs before anything else is set up, and the checks would ask for its fonts

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="build the fonts again even where they exist")

    def handle(self, *args, force: bool, **options):
        for weight in PRINT_WEIGHTS:
            if print_font_path(weight).exists() and not force:
                continue
            try:
                path = build_print_font(weight)
            except FileNotFoundError as error:
                raise CommandError(error) from error
            self.stdout.write(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
