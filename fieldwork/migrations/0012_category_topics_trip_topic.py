from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0011_merge_0007_stored_coverage_0010_merge_20261205_2031"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="topics",
            field=models.JSONField(blank=True, default=list, verbose_name="chuyên đề"),
        ),
        migrations.AddField(
            model_name="trip",
            name="topic",
            field=models.CharField(blank=True, max_length=500, verbose_name="chuyên đề"),
        ),
    ]
