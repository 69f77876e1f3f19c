"""docs/rules.md “A year in the life”: reminder preferences by kind (deadlines, digests) and channel (email, in-app).
The one box of before (`email`) covered both kinds by email: digests by email take its value."""

from django.db import migrations, models
from django.db.models import F


def copy_email_to_digests(apps, schema_editor):
    ReminderPreference = apps.get_model("fieldwork", "ReminderPreference")
    ReminderPreference.objects.update(digests_email=F("email"))


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0014_merge_20261206_1948"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminderpreference",
            name="email",
            field=models.BooleanField(default=True, verbose_name="nhắc hạn qua email"),
        ),
        migrations.AddField(
            model_name="reminderpreference",
            name="deadlines_app",
            field=models.BooleanField(default=True, verbose_name="nhắc hạn trên hệ thống"),
        ),
        migrations.AddField(
            model_name="reminderpreference",
            name="digests_email",
            field=models.BooleanField(default=True, verbose_name="bản tổng hợp qua email"),
        ),
        migrations.AddField(
            model_name="reminderpreference",
            name="digests_app",
            field=models.BooleanField(default=True, verbose_name="bản tổng hợp trên hệ thống"),
        ),
        migrations.RunPython(copy_email_to_digests, migrations.RunPython.noop),
    ]
