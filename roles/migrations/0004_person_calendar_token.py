"""Calendar feed tokens: added nullable, filled per person, then made unique (a callable
default on a unique column would give every existing row the same value)."""

import secrets

from django.db import migrations, models

import roles.models


def fill_tokens(apps, schema_editor):
    Person = apps.get_model("roles", "Person")
    for person in Person.objects.filter(calendar_token__isnull=True).only("pk"):
        Person.objects.filter(pk=person.pk).update(calendar_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [("roles", "0003_reference_data")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="calendar_token",
            field=models.CharField(
                default=roles.models.new_calendar_token,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="kalendernøgle",
            ),
        ),
    ]
