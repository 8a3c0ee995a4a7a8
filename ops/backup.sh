#!/usr/bin/env bash
# Back up the kitos database to one file (pg_dump custom format: compressed, restorable
# table by table with pg_restore). Everything kitos keeps is in PostgreSQL (uploaded
# workbooks included); there is no media folder to save.
#
#   ops/backup.sh [FILE]                 default: kitos-YYYYmmdd-HHMMSS.dump here
#
# With docker compose (run next to docker-compose.yml):
#   KITOS_COMPOSE=1 ops/backup.sh backups/kitos.dump
# runs pg_dump inside the postgres service (`docker compose exec -T postgres pg_dump`),
# so no PostgreSQL client is needed on the host. Without KITOS_COMPOSE, pg_dump connects
# with DATABASE_URL (postgres://user:password@host:port/name) or the PG* variables.
set -euo pipefail

FILE=${1:-kitos-$(date +%Y%m%d-%H%M%S).dump}
PARTIAL="$FILE.partial"
trap 'rm -f "$PARTIAL"' EXIT

if [ "${KITOS_COMPOSE:-0}" = 1 ]; then
  docker compose exec -T postgres pg_dump --format=custom --no-owner --no-privileges \
    -U "${POSTGRES_USER:-kitos}" "${POSTGRES_DB:-kitos}" > "$PARTIAL"
else
  pg_dump --format=custom --no-owner --no-privileges ${DATABASE_URL:+"$DATABASE_URL"} \
    > "$PARTIAL"
fi
# A dump pg_restore cannot read is no backup: check its table of contents first.
pg_restore --list "$PARTIAL" > /dev/null
mv "$PARTIAL" "$FILE"
trap - EXIT
echo "backup written: $FILE ($(du -h "$FILE" | cut -f1))"
