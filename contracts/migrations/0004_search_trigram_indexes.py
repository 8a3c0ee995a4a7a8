"""Trigram indexes for the free-text search of contracts on PostgreSQL.

The search (kitos.filtersets.search, overview.search) matches words anywhere in a name
with ``icontains``, which PostgreSQL runs as ``UPPER(col::text) LIKE UPPER('%word%')``:
no B-tree helps, so at 40,000 contracts in one municipality every search read the whole
table. A GIN index with pg_trgm's ``gin_trgm_ops`` on exactly that expression serves
those LIKEs. Not a model ``Meta.indexes`` entry: the models stay backend-neutral and
SQLite (laptops, tests) has no such index type, so this runs on PostgreSQL only and does
nothing elsewhere.
"""

from django.db import migrations

# (index name, table, column) — each column of a search over the table: PostgreSQL can
# only combine indexes for an OR when every branch has one.
INDEXES = (
    ("contract_name_trgm", "contracts_contract", "name"),
    ("contract_number_trgm", "contracts_contract", "contract_number"),
)


def trigram_indexes(indexes):
    """A RunPython pair creating/dropping `indexes` (and the pg_trgm extension) on
    PostgreSQL only."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_deadline_decision"),
    ]

    operations = [trigram_indexes(INDEXES)]
