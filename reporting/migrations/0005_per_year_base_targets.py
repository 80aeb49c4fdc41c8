from django.db import migrations

MOVES = {"bases_100_plus": "bases_100_plus_opened", "bases_50_99": "bases_50_99_opened"}


def move(apps, schema_editor, moves=MOVES):
    """The opinion's "15 + 15 bases a year" counts bases built in the year, not all bases open."""
    Target = apps.get_model("reporting", "Target")
    for old, new in moves.items():
        Target.objects.filter(indicator=old, per_year=True).update(indicator=new)


def back(apps, schema_editor):
    move(apps, schema_editor, {new: old for old, new in MOVES.items()})


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_target_effective_from")]
    operations = [migrations.RunPython(move, back)]
