"""PostgreSQL composite foreign keys: linked rows belong to the same organisation.

See kitos/db.py; a no-op on other databases, where the services' validation holds the line.
"""

from django.db import migrations

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_initial"),
        ("portfolio", "0002_initial"),
        ("roles", "0001_initial"),
    ]

    operations = [
        same_organisation_fk(
            name="contract_responsible_unit_same_org",
            table="contracts_contract",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="contract_parent_same_org",
            table="contracts_contract",
            column="parent_id",
            ref_table="contracts_contract",
        ),
        same_organisation_fk(
            name="coverage_contract_same_org",
            table="contracts_contractcoverage",
            column="contract_id",
            ref_table="contracts_contract",
        ),
        same_organisation_fk(
            name="coverage_usage_same_org",
            table="contracts_contractcoverage",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
    ]
