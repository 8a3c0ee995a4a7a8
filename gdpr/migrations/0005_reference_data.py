"""Standard data categories (gdpr/reference.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gdpr.reference import ensure_data_categories

    ensure_data_categories(apps)


class Migration(migrations.Migration):
    dependencies = [("gdpr", "0004_same_organisation_fks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
