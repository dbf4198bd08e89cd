#!/bin/sh
# Conecta Pastaza: the `backup` service's loop. Sleeps until BACKUP_TIME (HH:MM, local time of TZ; default 02:30),
# runs backup.sh, and again every day. While the last backup failed, the file $BACKUP_DIR/FAILED exists and the
# service's health check reports it (`docker compose ps` shows the service unhealthy).
set -eu

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_TIME=${BACKUP_TIME:-02:30}
here=$(dirname "$0")

log() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S %z')" "$*"; }

hour=${BACKUP_TIME%%:*}
minute=${BACKUP_TIME#*:}
case "$hour:$minute" in
  [0-9]:[0-5][0-9] | [01][0-9]:[0-5][0-9] | 2[0-3]:[0-5][0-9]) ;;
  *)
    log "ERROR: BACKUP_TIME must be HH:MM (00:00 to 23:59), not '$BACKUP_TIME'" >&2
    exit 2
    ;;
esac
# Without a leading zero: sh arithmetic reads 08 as a bad octal number.
hour=${hour#0}
minute=${minute#0}

# `docker compose stop` sends TERM: leave at once instead of waiting out the sleep.
trap 'log "stopping"; exit 0' INT TERM
mkdir -p "$BACKUP_DIR"

while :; do
  now=$(date '+%H %M %S')
  # shellcheck disable=SC2086 # split into hours, minutes, seconds
  set -- $now
  seconds_now=$(((${1#0} + 0) * 3600 + (${2#0} + 0) * 60 + ${3#0} + 0))
  wait_seconds=$(((hour * 3600 + minute * 60 - seconds_now + 86400) % 86400))
  [ "$wait_seconds" -gt 0 ] || wait_seconds=86400
  log "next backup at $BACKUP_TIME ($(date '+%Z'), in $wait_seconds s), into $BACKUP_DIR"
  sleep "$wait_seconds" &
  wait $! || true
  if sh "$here/backup.sh"; then
    rm -f "$BACKUP_DIR/FAILED"
  else
    log "ERROR: the backup failed; see the lines above. Next try tomorrow at $BACKUP_TIME" >&2
    date '+%Y-%m-%d %H:%M:%S %z' >"$BACKUP_DIR/FAILED"
  fi
done
