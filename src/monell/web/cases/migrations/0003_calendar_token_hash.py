"""Calendar feed links: keep the token's SHA-256 instead of the token (links already given
out keep working: their hash is computed from the stored token before it is dropped).
Reversible: going back removes the feeds (a hash cannot give the link back); attorneys make
new links."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    calendar = apps.get_model("cases", "AttorneyCalendar")
    for row in calendar.objects.all():
        row.token_hash = hashlib.sha256(row.token.encode()).hexdigest()
        row.save(update_fields=["token_hash"])


def drop_feeds(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cases", "AttorneyCalendar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_conflict_checked_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="attorneycalendar",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        # nullable first, so that going back can re-add the column before emptying the table
        migrations.AlterField(
            model_name="attorneycalendar",
            name="token",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, drop_feeds),
        migrations.RemoveField(model_name="attorneycalendar", name="token"),
        migrations.AlterField(
            model_name="attorneycalendar",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
