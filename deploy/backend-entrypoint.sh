#!/bin/sh
# Entry point of the backend image.
#   serve (default)  initialise the database, restore the backup into an empty database, then run
#                    the server (exec: SIGTERM reaches node, which shuts down gracefully)
#   init             only the first step, then exit
#   anything else    the switchboard CLI: export [--file F], restore [--file F] [--dry-run], …
#
# First start on an empty database (a new volume, a new PostgreSQL): the configuration comes back
# from BACKEND_BACKUP_FILE when that file exists. A database that already holds configuration is
# never overwritten. A backup that cannot be restored (wrong secret, damaged file) stops the
# container: starting empty would let the next change overwrite the only good copy.
set -eu

SWITCHBOARD_HOME="${SWITCHBOARD_HOME:-/app}"
# Overridable so tests can run the script against the TypeScript sources.
SWITCHBOARD_CLI="${SWITCHBOARD_CLI:-node ${SWITCHBOARD_HOME}/backend/bin/switchboard.js}"
SWITCHBOARD_SERVER="${SWITCHBOARD_SERVER:-node ${SWITCHBOARD_HOME}/backend/dist/main.js}"
cd "$SWITCHBOARD_HOME"

log() { echo "switchboard-entrypoint: $*" >&2; }

# Word splitting of the command strings is intended.
# shellcheck disable=SC2086
cli() { $SWITCHBOARD_CLI "$@"; }

backup_file() {
  file="${BACKEND_BACKUP_FILE:-backend/config_backup.json}"
  case "$file" in
    /*) echo "$file" ;;
    *) echo "$SWITCHBOARD_HOME/$file" ;;
  esac
}

# Opens (and migrates) the database, then restores the backup only when the database has no
# providers and the backup file exists; a broken database URL or backup fails here, loudly.
restore_if_empty() {
  cli restore --if-empty --file "$(backup_file)"
}

command="${1:-serve}"
case "$command" in
  serve)
    if [ "${SWITCHBOARD_RESTORE_ON_START:-true}" = "true" ]; then restore_if_empty; fi
    # shellcheck disable=SC2086
    exec $SWITCHBOARD_SERVER
    ;;
  init)
    restore_if_empty
    ;;
  *)
    exec $SWITCHBOARD_CLI "$@"
    ;;
esac
