#!/bin/sh
# Conecta Pastaza: restore a backup written by backup.sh (the database and the media, reports and minutes folders).
#
#   restore.sh [--yes] <backup folder>
#
# In production: `docker compose run --rm restore /backups/conecta-<date>` with web, worker, beat and backup
# stopped (README, "Restoring a backup"). On a Debian host: the same environment as backup.sh.
# POSIX sh; needs pg_restore no older than the pg_dump that wrote the backup (backup.info says which).
#
# Order, so that a bad backup never costs the data in place:
#   1. check the backup: every file listed in SHA256SUMS and matching it, the dump readable by this pg_restore,
#      the archives readable by tar; anything wrong and nothing is touched;
#   2. restore the dump into a new database <name>_restoring; if that fails it is dropped, nothing else changes;
#   3. rename the current database to <name>_before_restore (replacing an older one of that name) and the
#      restored one to <name>; drop <name>_before_restore yourself once the portal is checked;
#   4. empty each folder and extract its archive into it (owners and modes as archived).
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE   as for backup.sh; PGUSER must be allowed to create databases
#   PG_MAINTENANCE_DB  database to connect to while renaming (default postgres)
#   DATABASE_OWNER     role that should own the restored objects (default: PGUSER, as in docker-compose.yml)
#   MEDIA_ROOT, REPORTS_ROOT, MINUTES_ROOT   the folders to restore (defaults /data/media, /data/reports, /data/minutes)
#   PG_BIN             folder of pg_restore and psql when they are not the ones on PATH
set -eu

MEDIA_ROOT=${MEDIA_ROOT:-/data/media}
REPORTS_ROOT=${REPORTS_ROOT:-/data/reports}
MINUTES_ROOT=${MINUTES_ROOT:-/data/minutes}
PG_MAINTENANCE_DB=${PG_MAINTENANCE_DB:-postgres}
PG_RESTORE="${PG_BIN:+$PG_BIN/}pg_restore"
PSQL="${PG_BIN:+$PG_BIN/}psql"
FILES="database.dump media.tar reports.tar minutes.tar backup.info"

log() { printf '%s restore: %s\n' "$(date '+%Y-%m-%d %H:%M:%S %z')" "$*"; }
fail() {
  log "ERROR: $*" >&2
  exit 1
}
usage() {
  echo "usage: $0 [--yes] <backup folder, e.g. /backups/conecta-2025-03-14_020000>" >&2
  exit 2
}

yes=0
backup=
for arg in "$@"; do
  case $arg in
    --yes) yes=1 ;;
    -*) usage ;;
    *) [ -z "$backup" ] || usage; backup=$arg ;;
  esac
done
[ -n "$backup" ] || usage
[ -d "$backup" ] || fail "$backup is not a folder"
[ -n "${PGDATABASE:-}" ] || fail "set PGDATABASE (and PGHOST, PGUSER, PGPASSWORD) to the database to restore"
backup=$(cd "$backup" && pwd)

# 1. The backup must be whole and unchanged since backup.sh wrote it.
log "checking $backup"
[ -f "$backup/SHA256SUMS" ] || fail "refused: $backup has no SHA256SUMS manifest"
for name in $FILES; do
  listed=$(grep -c "^[0-9a-f]\{64\}  $name\$" "$backup/SHA256SUMS" || true)
  [ "$listed" -eq 1 ] || fail "refused: SHA256SUMS lists $name $listed times instead of once"
done
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) \
  || fail "refused: the files of $backup do not match its SHA256SUMS (damaged or changed); nothing was restored"
"$PG_RESTORE" --list "$backup/database.dump" >/dev/null \
  || fail "refused: this pg_restore cannot read the dump ($("$PG_RESTORE" --version); $(grep '^pg_dump:' "$backup/backup.info"))"
for name in media reports minutes; do
  tar --list --file="$backup/$name.tar" >/dev/null || fail "refused: $name.tar cannot be read"
done
log "the backup matches its manifest ($(grep '^created:' "$backup/backup.info"))"

target=$PGDATABASE
restoring="${target}_restoring"
before="${target}_before_restore"
if [ "$yes" -ne 1 ]; then
  [ -t 0 ] || fail "refused: add --yes to replace database $target and the folders without being asked"
  echo "This replaces database $target (kept as $before) and the content of"
  echo "  $MEDIA_ROOT, $REPORTS_ROOT, $MINUTES_ROOT"
  printf 'with the backup %s. Type the database name (%s) to go on: ' "$backup" "$target"
  read -r answer
  [ "$answer" = "$target" ] || fail "not confirmed; nothing was changed"
fi

sql() {  # SQL on stdin, run statement by statement (CREATE/DROP DATABASE cannot run in a transaction)
  PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" "$PSQL" --no-password --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 \
    -v target="$target" -v restoring="$restoring" -v before="$before" -v owner="${DATABASE_OWNER:-}" \
    --dbname="$PG_MAINTENANCE_DB" >/dev/null
}

# 2. Into a new database first: a failure here leaves the current one as it was.
log "restoring the dump into $restoring"
sql <<'SQL' || fail "could not create database $restoring"
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'restoring' AND pid <> pg_backend_pid();
DROP DATABASE IF EXISTS :"restoring";
CREATE DATABASE :"restoring";
SQL
if [ -n "${DATABASE_OWNER:-}" ]; then
  echo 'ALTER DATABASE :"restoring" OWNER TO :"owner";' | sql || fail "could not give $restoring to $DATABASE_OWNER"
fi
if ! "$PG_RESTORE" --no-password --no-owner --no-privileges --exit-on-error --single-transaction \
  ${DATABASE_OWNER:+--role="$DATABASE_OWNER"} --dbname="$restoring" "$backup/database.dump"; then
  echo 'DROP DATABASE IF EXISTS :"restoring";' | sql || true
  fail "pg_restore failed; database $target was not changed"
fi

# 3. Swap: the current database is kept as <name>_before_restore.
log "replacing database $target (the current one is kept as $before)"
sql <<'SQL' || fail "could not rename the databases: are web, worker, beat and backup stopped?"
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'before' AND pid <> pg_backend_pid();
DROP DATABASE IF EXISTS :"before";
SELECT EXISTS (SELECT FROM pg_database WHERE datname = :'target') AS target_exists \gset
\if :target_exists
  ALTER DATABASE :"target" WITH ALLOW_CONNECTIONS false;
  SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'target' AND pid <> pg_backend_pid();
  ALTER DATABASE :"target" RENAME TO :"before";
  ALTER DATABASE :"before" WITH ALLOW_CONNECTIONS true;
\endif
ALTER DATABASE :"restoring" RENAME TO :"target";
SQL

# 4. The folders: emptied, then extracted (the archives were read through in step 1).
restore_folder() {  # restore_folder <name> <folder>
  log "restoring $2"
  mkdir -p "$2"
  find "$2" -mindepth 1 -delete || fail "could not empty $2"
  tar --extract --numeric-owner --file="$backup/$1.tar" --directory="$2" || fail "could not extract $1.tar into $2"
}
restore_folder media "$MEDIA_ROOT"
restore_folder reports "$REPORTS_ROOT"
restore_folder minutes "$MINUTES_ROOT"

log "restored $backup into database $target and the folders."
log "next: start the portal (docker compose up -d), then run: docker compose exec web python manage.py verify_files"
log "once the portal is checked, drop the previous database: DROP DATABASE \"$before\";"
