import datetime as dt
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

SOURCE = "黔府办发〔2011〕108号"
# DESIGN §4, from the opinion: province-wide targets with their 2011 baselines.
SEEDS = [
    ("control_rate", Decimal("0.55"), dt.date(2011, 12, 31), Decimal("0.75"), dt.date(2013, 12, 31), False),
    ("consolidation_rate", Decimal("0.11"), dt.date(2011, 12, 31), Decimal("0.30"), dt.date(2013, 12, 31), False),
    ("placement_rate_urban", None, None, Decimal("0.40"), dt.date(2011, 12, 31), False),
    ("bases_100_plus", None, None, Decimal("15"), dt.date(2013, 12, 31), True),
    ("bases_50_99", None, None, Decimal("15"), dt.date(2013, 12, 31), True),
]


def seed(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    Region = apps.get_model("sunshine", "Region")
    province, _created = Region.objects.get_or_create(code="52", defaults={"name": "贵州省", "level": "province"})
    for indicator, baseline, baseline_date, target, deadline, per_year in SEEDS:
        Target.objects.get_or_create(
            indicator=indicator,
            region=province,
            superseded_at=None,
            defaults={"baseline_value": baseline, "baseline_date": baseline_date, "target_value": target,
                      "deadline": deadline, "per_year": per_year, "source": SOURCE},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_indicator_snapshots"), ("sunshine", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Target",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("indicator", models.CharField(max_length=32, verbose_name="indicator")),
                ("baseline_value", models.DecimalField(blank=True, decimal_places=4, max_digits=8, null=True, verbose_name="baseline")),
                ("baseline_date", models.DateField(blank=True, null=True, verbose_name="baseline date")),
                ("target_value", models.DecimalField(decimal_places=4, max_digits=8, verbose_name="target")),
                ("deadline", models.DateField(verbose_name="deadline")),
                ("per_year", models.BooleanField(default=False, help_text="A count to reach every year.", verbose_name="each year")),
                ("source", models.CharField(blank=True, max_length=200, verbose_name="source")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("superseded_at", models.DateTimeField(blank=True, null=True)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="sunshine.user")),
                ("region", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="sunshine.region", verbose_name="region")),
            ],
            options={"verbose_name": "target", "verbose_name_plural": "targets", "ordering": ["indicator", "region", "-created_at"]},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
