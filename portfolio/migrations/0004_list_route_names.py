"""List pages renamed by the route-name convention (<model_name>_list): the columns
users chose for them keep applying."""

from django.db import migrations

from kitos.db import rename_list_keys


class Migration(migrations.Migration):
    dependencies = [
        ("kitos", "0001_layered_initial"),
        ("portfolio", "0003_constraint_messages"),
    ]

    operations = [
        rename_list_keys({"usage_list": "systemusage_list", "system_list": "itsystem_list"}),
    ]
