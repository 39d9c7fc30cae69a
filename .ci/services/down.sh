#!/usr/bin/env bash
# Stops every service of this folder: runs `<name>.sh stop` for each *.sh here except up.sh and
# down.sh, in reverse order, keeping going past failures (reported; exit 1 if any).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scripts=("$here"/*.sh)
failed=()
for ((i = ${#scripts[@]} - 1; i >= 0; i--)); do
  script="${scripts[$i]}"
  name="$(basename "$script" .sh)"
  case "$name" in up | down) continue ;; esac
  if ! timeout "${SERVICE_STOP_TIMEOUT_S:-120}" bash "$script" stop; then
    echo "::: service $name FAILED to stop"
    failed+=("$name")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "::: services not stopped cleanly: ${failed[*]}"
  exit 1
fi
