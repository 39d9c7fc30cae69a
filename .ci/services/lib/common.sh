# Shared helpers of the .ci/services/*.sh scripts (sourced, never run). Lives in lib/ so that the
# generic loops of up.sh / down.sh (which run every .ci/services/*.sh) do not pick it up.
# shellcheck shell=bash

# Everything a service records (pid files, config, logs, the env file the tests read) goes here.
RISTRETTO_SERVICES_DIR="${RISTRETTO_SERVICES_DIR:-/tmp/ristretto-services}"
# The repository the scripts belong to (jobs of the batch systems must see it).
PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)"

log() { echo "[$SERVICE] $*"; }
die() { echo "[$SERVICE] Cannot $*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "start \"$SERVICE\": needs root (installs packages, starts daemons)"; }

# Installs the Debian packages that are missing; cheap when all are present (one dpkg-query).
# apt-get update runs only when an install fails (stale or empty package lists).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # the lock timeout: other jobs on the machine may be installing at the same moment
  local apt=(apt-get -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends)
  "${apt[@]}" install "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 &&
      "${apt[@]}" install "${missing[@]}" >/dev/null; } ||
    die "install \"${missing[*]}\": apt-get failed (is the Debian mirror reachable?)"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds or the deadline.
wait_for() {
  local limit=$1 what=$2; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - t0)) -ge "$limit" ] && return 1
    sleep 0.2
  done
  log "$what after $((SECONDS - t0)) s"
}

# pid_alive FILE: the process recorded in FILE exists (and is not a zombie).
pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && [ -d "/proc/$pid" ] &&
    ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

# stop_pid FILE [SECONDS]: TERM, then KILL after the grace period, the process recorded in FILE only.
stop_pid() {
  local f=$1 grace=${2:-5} pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null)
  if [ -n "$pid" ] && pid_alive "$f"; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < grace * 10; i++)); do pid_alive "$f" || break; sleep 0.1; done
    pid_alive "$f" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# write_env FILE KEY=VALUE...: the file tests and adapters read to find a service (shell syntax).
write_env() {
  local f=$1; shift
  : >"$f.tmp"
  local kv
  for kv in "$@"; do printf '%s\n' "$kv" >>"$f.tmp"; done
  mv "$f.tmp" "$f"
}

# dispatch: runs the subcommand given on the command line (start | stop | status).
dispatch() {
  case "${1:-}" in
    start) need_root; service_start ;;
    stop) service_stop ;;
    status) service_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
}
