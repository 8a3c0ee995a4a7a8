"""Standard disciplines and role types (roles/reference.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from roles.reference import ensure_disciplines_and_role_types

    ensure_disciplines_and_role_types(apps)


class Migration(migrations.Migration):
    dependencies = [("roles", "0002_same_organisation_fks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
