"""Suppliers moved here from the contracts app with their table (contracts_supplier):
the content type follows, keeping its id, so audit entries and permissions that point at
it keep resolving."""

from django.db import migrations

from kitos.db import rename_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portfolio", "0001_layered_initial"),
    ]

    operations = [
        rename_content_types(old_app="contracts", new_app="portfolio", models=["supplier"]),
    ]
