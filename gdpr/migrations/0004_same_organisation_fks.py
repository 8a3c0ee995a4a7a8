"""PostgreSQL composite foreign keys: linked rows belong to the same organisation.

See kitos/db.py; a no-op on other databases, where the services' validation holds the line.
"""

from django.db import migrations

from kitos.db import same_organisation_fk


class Migration(migrations.Migration):
    dependencies = [
        ("gdpr", "0003_initial"),
        ("contracts", "0003_initial"),
        ("portfolio", "0002_initial"),
        ("roles", "0001_initial"),
    ]

    operations = [
        same_organisation_fk(
            name="dataasset_owning_unit_same_org",
            table="gdpr_dataasset",
            column="owning_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="assetusage_asset_same_org",
            table="gdpr_dataassetusage",
            column="asset_id",
            ref_table="gdpr_dataasset",
        ),
        same_organisation_fk(
            name="assetusage_usage_same_org",
            table="gdpr_dataassetusage",
            column="usage_id",
            ref_table="portfolio_systemusage",
        ),
        same_organisation_fk(
            name="processing_responsible_unit_same_org",
            table="gdpr_processingactivity",
            column="responsible_unit_id",
            ref_table="roles_organisationunit",
        ),
        same_organisation_fk(
            name="dpa_contract_same_org",
            table="gdpr_dataprocessingagreement",
            column="contract_id",
            ref_table="contracts_contract",
        ),
    ]
