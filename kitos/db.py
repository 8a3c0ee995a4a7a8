"""Database-level tenancy guarantees that Django cannot declare.

"A usage's units belong to its organisation" spans two tables, so no CHECK constraint can
express it. On PostgreSQL a composite foreign key can: the referencing row carries its
organisation and points at ``(id, organisation_id)`` of the referenced row, which has a
matching unique constraint. Migrations add these with ``same_organisation_fk``; SQLite
(the laptop default) cannot add constraints to existing tables and relies on the
services' ``full_clean`` checks, which run on every backend.
"""

from __future__ import annotations

from django.db import migrations


def same_organisation_fk(*, name: str, table: str, column: str, ref_table: str):
    """A migration operation adding a named composite FK
    ``(column, organisation_id) -> ref_table(id, organisation_id)`` on PostgreSQL."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" '
            f'FOREIGN KEY ("{column}", "organisation_id") '
            f'REFERENCES "{ref_table}" ("id", "organisation_id") '
            "DEFERRABLE INITIALLY DEFERRED"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
