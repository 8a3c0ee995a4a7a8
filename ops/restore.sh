#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into an EMPTY database (create it first; never
# restore over a live database - stop web, worker and beat, and restore into a new one).
#
#   ops/restore.sh FILE
#
# With docker compose (run next to docker-compose.yml):
#   docker compose stop web worker beat
#   docker compose exec postgres dropdb -U kitos kitos      # after checking the backup!
#   docker compose exec postgres createdb -U kitos kitos
#   KITOS_COMPOSE=1 ops/restore.sh backups/kitos.dump
#   docker compose up -d                                    # migrate runs first, then all
# Without KITOS_COMPOSE, pg_restore connects with DATABASE_URL or the PG* variables.
# The restore runs in one transaction: it either loads everything or nothing.
set -euo pipefail

FILE=${1:?usage: ops/restore.sh FILE}
[ -r "$FILE" ] || { echo "cannot read $FILE" >&2; exit 1; }

if [ "${KITOS_COMPOSE:-0}" = 1 ]; then
  docker compose exec -T postgres pg_restore --single-transaction --exit-on-error \
    --no-owner --no-privileges -U "${POSTGRES_USER:-kitos}" -d "${POSTGRES_DB:-kitos}" \
    < "$FILE"
else
  pg_restore --single-transaction --exit-on-error --no-owner --no-privileges \
    -d "${DATABASE_URL:?set DATABASE_URL (the empty database to restore into)}" "$FILE"
fi
echo "restored $FILE"
