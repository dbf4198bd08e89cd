#!/bin/sh
# Conecta Pastaza: one backup of the database and of the media, reports and minutes folders.
#
# Runs in the `backup` service of docker-compose.yml (every night, from backup-daily.sh, or at once with
# `docker compose exec backup /deploy/backup.sh`) and on any Debian host with pg_dump, tar and sha256sum.
# POSIX sh; needs pg_dump no older than the server (the backup service's postgres:16 image matches the db service).
#
# Writes $BACKUP_DIR/conecta-<local date and time>/ with
#   database.dump   pg_dump's custom format (-Fc): compressed, restored by restore.sh with pg_restore
#   media.tar, reports.tar, minutes.tar   the three folders as they were (numeric owners kept)
#   backup.info     when, from which database, with which pg_dump
#   SHA256SUMS      the SHA-256 of each file above; restore.sh refuses a backup that does not match it
# The database is dumped first, then the folders: every file a row names is in the archives (files are written
# before their row, and published files are never replaced). The folder appears under its final name only
# once complete, and backups older than BACKUP_KEEP_DAYS days are then deleted.
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE   the database, as for any libpq client
#   BACKUP_DIR        where backups go (default /backups)
#   BACKUP_KEEP_DAYS  days a backup is kept (default 14; 0 keeps every backup)
#   MEDIA_ROOT, REPORTS_ROOT, MINUTES_ROOT   the folders (defaults /data/media, /data/reports, /data/minutes)
#   PG_BIN            folder of pg_dump when it is not the one on PATH (e.g. /usr/lib/postgresql/16/bin)
set -eu
umask 077  # the dump holds participants' e-mail addresses: readable by the owner only

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
MEDIA_ROOT=${MEDIA_ROOT:-/data/media}
REPORTS_ROOT=${REPORTS_ROOT:-/data/reports}
MINUTES_ROOT=${MINUTES_ROOT:-/data/minutes}
PG_DUMP="${PG_BIN:+$PG_BIN/}pg_dump"

log() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S %z')" "$*"; }
fail() {
  log "ERROR: $*" >&2
  exit 1
}

case $BACKUP_KEEP_DAYS in
  '' | *[!0-9]*) fail "BACKUP_KEEP_DAYS must be a number of days, not '$BACKUP_KEEP_DAYS'" ;;
esac
[ -n "${PGDATABASE:-}" ] || fail "set PGDATABASE (and PGHOST, PGUSER, PGPASSWORD) to the database to back up"
for folder in "$MEDIA_ROOT" "$REPORTS_ROOT" "$MINUTES_ROOT"; do
  [ -d "$folder" ] || fail "$folder is not a folder: a backup without it would be incomplete"
done
mkdir -p "$BACKUP_DIR"

stamp=$(date '+%Y-%m-%d_%H%M%S')
final="$BACKUP_DIR/conecta-$stamp"
[ -e "$final" ] && final="$final-$$"
work="$BACKUP_DIR/.partial-$stamp-$$"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
mkdir "$work"

log "dumping database $PGDATABASE"
"$PG_DUMP" --format=custom --no-password --file="$work/database.dump" \
  || fail "pg_dump failed (is the server reachable, and pg_dump at least as new as the server?)"

archive() {  # archive <name> <folder>
  log "archiving $2"
  status=0
  tar --create --numeric-owner --file="$work/$1.tar" --directory="$2" . || status=$?
  # GNU tar exits 1 when a file changed while it was read (an upload in progress): the archive is still whole.
  if [ "$status" -eq 1 ]; then
    log "warning: a file of $2 changed while it was archived; the archive has the version tar read"
  elif [ "$status" -ne 0 ]; then
    fail "tar of $2 failed (exit $status)"
  fi
}
archive media "$MEDIA_ROOT"
archive reports "$REPORTS_ROOT"
archive minutes "$MINUTES_ROOT"

{
  echo "created: $(date '+%Y-%m-%d %H:%M:%S %z')"
  echo "database: $PGDATABASE on ${PGHOST:-local socket}"
  echo "pg_dump: $("$PG_DUMP" --version)"
  echo "media: $MEDIA_ROOT"
  echo "reports: $REPORTS_ROOT"
  echo "minutes: $MINUTES_ROOT"
} >"$work/backup.info"

(cd "$work" && sha256sum database.dump media.tar reports.tar minutes.tar backup.info >SHA256SUMS) \
  || fail "could not write SHA256SUMS"
mv "$work" "$final" || fail "could not move the backup to $final"
log "backup written: $final ($(du -sk "$final" | cut -f1) KB)"

if [ "$BACKUP_KEEP_DAYS" -gt 0 ]; then
  # -mtime +N: more than N whole days old. Runs only after a backup succeeded, which is never deleted here.
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name 'conecta-*' -mtime +"$((BACKUP_KEEP_DAYS - 1))" \
    | while IFS= read -r old; do
      [ "$old" = "$final" ] && continue
      log "deleting $old (older than $BACKUP_KEEP_DAYS days)"
      rm -rf "$old"
    done
fi
# Left by a backup that was killed: a day later it is certainly not in progress.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '.partial-*' -mtime +0 -exec rm -rf {} +
exit 0
