import datetime as dt

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Targets carry the day from which they apply. The seeded targets of the opinion apply from 2011,
    the first year of its period, so figures of 2011-2013 are assessed against them."""

    dependencies = [
        ("reporting", "0003_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="effective_from",
            field=models.DateField(default=dt.date(2011, 1, 1), verbose_name="in force from"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="target",
            name="effective_from",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                help_text="Figures dated from this day are assessed against it.",
                verbose_name="in force from",
            ),
        ),
    ]
