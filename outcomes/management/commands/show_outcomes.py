import json as _json

from django.core.management.base import BaseCommand, CommandError

from outcomes.models import OutcomeReport
from sunshine.models import Region


class Command(BaseCommand):
    help = (
        "Print a region's latest relapse outcomes: the Kaplan–Meier curve by month and the hazard ratios of "
        "placement and training. --json gives {km: [{month, at_risk, survival, lower, upper}], hazard_ratio: "
        "{placement: {value, lower, upper}, training: {...}}, suppressed} (a group under 10 persons is suppressed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="division code of the province, a prefecture or a county")
        parser.add_argument("--json", action="store_true", help="print the JSON described above")

    def handle(self, *args, region, json: bool, **options):
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"Unknown region {region}.")
        report = OutcomeReport.objects.filter(region_id=region).order_by("-date").first()
        if report is None:
            raise CommandError(f"No outcomes for {region}: run compute_outcomes first.")
        summary = report.summary()
        if json:
            self.stdout.write(_json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(f"{region} as of {report.date.isoformat()}")
        if summary["suppressed"]:
            self.stdout.write("suppressed: fewer than 10 persons")
            return
        self.stdout.write(f"{'month':>5} {'at risk':>8} {'relapse-free':>12}  95% band")
        for point in summary["km"]:
            self.stdout.write(
                f"{point['month']:>5} {point['at_risk']:>8} {point['survival']:>12.3f}  "
                f"{point['lower']:.3f}–{point['upper']:.3f}"
            )
        for name, ratio in summary["hazard_ratio"].items():  # (in HAZARD_RATIOS' order)
            shown = "not estimable"
            if ratio is not None:
                shown = f"{ratio['value']:.2f} ({ratio['lower']:.2f}–{ratio['upper']:.2f})"
            self.stdout.write(f"hazard ratio, {name}: {shown}")
