"""Organisations and memberships moved here from the roles app with their tables
(roles_organisation, roles_membership): their content types follow, keeping their ids, so
audit entries and permissions that point at them keep resolving."""

from django.db import migrations

from kitos.db import rename_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kitos", "0001_layered_initial"),
    ]

    operations = [
        rename_content_types(old_app="roles", new_app="kitos", models=["organisation", "membership"]),
    ]
