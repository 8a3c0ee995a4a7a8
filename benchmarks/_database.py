"""The benchmarks' own database: emptied and migrated before each run.

The figures in the README are measured on PostgreSQL (as production runs). Each benchmark
names its own database, ``kitos_bench_<name>`` on 127.0.0.1, created when missing;
``DATABASE_URL`` overrides it (a ``sqlite:///`` URL works too, for a quick look).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Importing this module prepares every benchmark's environment before Django is set up:
# the project on the path, the local settings, quiet logs.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def use_database(name: str) -> str:
    """Point DATABASE_URL at ``kitos_bench_<name>`` unless the caller set one; create
    the PostgreSQL database when it does not exist. Call before ``django.setup()``."""
    url = os.environ.setdefault("DATABASE_URL", f"{POSTGRES}kitos_bench_{name}")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2
        from psycopg2 import sql

        base, _, database = url.rpartition("/")
        connection = psycopg2.connect(f"{base}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        connection.close()
    return url


def fresh_database() -> None:
    """django.setup(), then an empty, migrated database with the standard reference data
    (a SQLite file is deleted and recreated; PostgreSQL is flushed, which also empties
    what the data migrations wrote, so the reference data is loaded again)."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        connection.close()
    else:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
