#!/usr/bin/env bash
# Starts every service of this folder: runs `<name>.sh start` for each *.sh here except up.sh and
# down.sh (a new service is a new script following the same start/stop/status convention).
# Keeps going past a service that fails to start, reports it, and exits 1 if any failed (their
# tests then skip, saying why). Each start is bounded (SERVICE_START_TIMEOUT_S, default 900 s).
# RISTRETTO_SKIP_SERVICES=1 starts nothing (machines without root or without the Debian mirror).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${RISTRETTO_SKIP_SERVICES:-0}" = 1 ]; then
  echo "::: services: skipped (RISTRETTO_SKIP_SERVICES=1)"
  exit 0
fi
failed=()
t_all=$SECONDS
for script in "$here"/*.sh; do
  name="$(basename "$script" .sh)"
  case "$name" in up | down) continue ;; esac
  t0=$SECONDS
  if timeout "${SERVICE_START_TIMEOUT_S:-900}" bash "$script" start; then
    echo "::: service $name started in $((SECONDS - t0)) s"
  else
    echo "::: service $name FAILED to start (after $((SECONDS - t0)) s)"
    failed+=("$name")
  fi
done
echo "::: services started in $((SECONDS - t_all)) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "::: services not started: ${failed[*]} (their tests are skipped)"
  exit 1
fi
