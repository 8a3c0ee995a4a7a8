"""PostgreSQL composite foreign keys: linked rows belong to the same organisation.

See kitos/db.py; a no-op on other databases, where the services' validation holds the line.
"""

from django.db import migrations

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0001_initial"),
    ]

    operations = [
        same_organisation_fk(
            name="unit_parent_same_org",
            table="roles_organisationunit",
            column="parent_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="person_unit_same_org",
            table="roles_person",
            column="unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="roleassignment_person_same_org",
            table="roles_roleassignment",
            column="person_id",
            ref_table="roles_person",
        ),
        same_organisation_fk(
            name="competency_person_same_org",
            table="roles_competency",
            column="person_id",
            ref_table="roles_person",
        ),
    ]
