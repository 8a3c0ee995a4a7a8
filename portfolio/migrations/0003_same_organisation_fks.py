"""PostgreSQL composite foreign keys: linked rows belong to the same organisation.

See kitos/db.py; a no-op on other databases, where the services' validation holds the line.
"""

from django.db import migrations

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0002_initial"),
        ("roles", "0001_initial"),
    ]

    operations = [
        same_organisation_fk(
            name="usage_responsible_unit_same_org",
            table="portfolio_systemusage",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="usageunit_usage_same_org",
            table="portfolio_systemusageunit",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="usageunit_unit_same_org",
            table="portfolio_systemusageunit",
            column="unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="integration_source_same_org",
            table="portfolio_integration",
            column="source_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="integration_target_same_org",
            table="portfolio_integration",
            column="target_id",
            ref_table="portfolio_systemusage",
        ),
    ]
