from django.db import migrations

# DESIGN §3: urine tests every 30 / 60 / 90 days in measure years 1 / 2 / 3; visits monthly in
# year 1 and every two months after.
DEFAULTS = [("urine_test", 1, 30), ("urine_test", 2, 60), ("urine_test", 3, 90), ("visit", 1, 30), ("visit", 2, 60), ("visit", 3, 60)]


def seed(apps, schema_editor):
    ScheduleRule = apps.get_model("cases", "ScheduleRule")
    for activity, year, days in DEFAULTS:
        ScheduleRule.objects.get_or_create(activity=activity, measure_year=year, defaults={"interval_days": days})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_pathway_records")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
