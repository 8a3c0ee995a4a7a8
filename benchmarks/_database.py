"""The benchmarks' own database: emptied and migrated before each run."""

from __future__ import annotations

from pathlib import Path


def fresh_database() -> None:
    """django.setup(), then an empty, migrated database (a SQLite file is deleted and
    recreated; PostgreSQL is flushed)."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        connection.close()
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
