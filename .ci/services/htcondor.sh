#!/usr/bin/env bash
# A personal single-node HTCondor pool (master, collector, negotiator, schedd, startd) for the
# batch tests. Debian 12 has no HTCondor package: the daemons run inside a Debian 13 (trixie)
# debootstrap chroot with Debian's "minicondor".
#   htcondor.sh start   build the chroot if missing (once, ~2-4 min), mount the shared
#                       directories, start (or keep) the pool, wait until the slot is Unclaimed and
#                       the schedd answers
#   htcondor.sh stop    stop the master it started (recorded pid), unmount everything under the chroot
#   htcondor.sh status  exit 0 when the pool answers
#
# Shared filesystem: jobs run inside the chroot and see the host's files through bind mounts at
# the same paths: /tmp, the project (this repository) and every directory of
# RISTRETTO_CONDOR_SHARED (colon-separated). The host's deno binary is mounted at
# /usr/local/bin/deno and at its own path (so Deno.execPath() works in job commands), the host's
# DENO_DIR (npm packages) at its own path: jobs must set DENO_DIR to it (CONDOR_DENO_DIR in the
# env file). Job files (cwd, logs, outputs) must lie under a shared directory.
#
# Jobs must be submitted by a non-root user (HTCondor refuses root): the client wrappers in
# $BASE/bin (condor_submit, condor_q, condor_rm, ...) run the real tools inside the chroot as the
# unprivileged user $CONDOR_JOBUSER (uid 2000), in the caller's working directory. Jobs run as
# that user too, so the directories they write into must be writable by uid 2000.
#
# Install: $RISTRETTO_CONDOR_ROOT (default /var/lib/ristretto/condor-root; kept across stop/start,
# outside /tmp so no "rm -rf /tmp/..." ever walks into the bind mounts).
# State: $RISTRETTO_SERVICES_DIR/htcondor; its `env` file holds CONDOR_BIN, CONDOR_CONFIG, ...
set -uo pipefail
SERVICE=htcondor
. "$(dirname "$0")/lib/common.sh"
ROOT="${RISTRETTO_CONDOR_ROOT:-/var/lib/ristretto/condor-root}"
BASE="$RISTRETTO_SERVICES_DIR/htcondor"
JOBUSER="${CONDOR_JOBUSER:-hep}"
JOBUID="${CONDOR_JOBUID:-2000}"
CONF="$BASE/etc/condor_config"
LOCAL="$BASE/local"
WAIT_S="${CONDOR_WAIT_S:-90}"
READY_MARK="$ROOT/.ristretto-condor-ready"

case "$BASE" in /tmp/*) ;; *) die "use \"$BASE\": RISTRETTO_SERVICES_DIR must be under /tmp (shared into the chroot)" ;; esac

shared_dirs() {
  local d seen=":"
  for d in /tmp "$PROJECT_ROOT" ${RISTRETTO_CONDOR_SHARED:+${RISTRETTO_CONDOR_SHARED//:/ }}; do
    d=$(cd "$d" 2>/dev/null && pwd -P) || continue
    case "$seen" in *":$d:"*) continue ;; esac
    case "$d" in /tmp | /tmp/*) continue ;; esac # /tmp is always shared
    seen="$seen$d:"
    echo "$d"
  done
}

# Every mount point under the chroot, deepest first (so nested ones go before their parents).
mounts_under_root() {
  awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r
}
unmount_all() {
  local m
  for m in $(mounts_under_root); do umount "$m" 2>/dev/null || umount -l "$m"; done
}

setup_chroot() {
  [ -f "$READY_MARK" ] && return 0
  apt_install debootstrap
  local mirror
  mirror="${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}"
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  [ -n "$mirror" ] || die "build the HTCondor chroot: no Debian mirror found (set DEBIAN_MIRROR)"
  if [ -e "$ROOT" ]; then # an interrupted build: start over, never through a live bind mount
    unmount_all
    [ -z "$(mounts_under_root)" ] || die "remove \"$ROOT\": still has mounts"
    rm -rf "$ROOT"
  fi
  log "building the Debian 13 chroot in $ROOT (once)"
  mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase trixie "$ROOT" "$mirror" >"$ROOT.debootstrap.log" 2>&1 ||
    die "build the HTCondor chroot: debootstrap failed, see $ROOT.debootstrap.log"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" # no service starts in the chroot
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c \
    'apt-get update -q && apt-get install -y -q --no-install-recommends minicondor && apt-get clean' \
    >>"$ROOT.debootstrap.log" 2>&1
  local rc=$?
  umount "$ROOT/proc"
  [ "$rc" = 0 ] || die "install minicondor in the chroot: see $ROOT.debootstrap.log"
  chroot "$ROOT" condor_version | head -n 1
  touch "$READY_MARK"
}

mount_shared() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
  local d
  for d in /tmp $(shared_dirs); do
    mkdir -p "$ROOT$d"
    mountpoint -q "$ROOT$d" || mount --bind "$d" "$ROOT$d"
  done
  local deno
  deno=$(readlink -f "$(command -v deno 2>/dev/null)" 2>/dev/null)
  if [ -n "$deno" ] && [ -x "$deno" ]; then
    touch "$ROOT/usr/local/bin/deno"
    mountpoint -q "$ROOT/usr/local/bin/deno" || mount --bind "$deno" "$ROOT/usr/local/bin/deno"
    # and at its own path: Deno.execPath() of the submitting process is what executors put in
    # the job's command
    # (an empty file there is the mount point a previous start left behind: mount again)
    if [ ! -s "$ROOT$deno" ] || mountpoint -q "$ROOT$deno"; then
      mkdir -p "$ROOT$(dirname "$deno")"
      touch "$ROOT$deno"
      mountpoint -q "$ROOT$deno" || mount --bind "$deno" "$ROOT$deno"
    fi
  fi
  # the host's Deno cache (npm packages of the project): jobs read it (DENO_DIR, read-only for
  # them: Deno runs from a cache it cannot write to), so they never download anything
  local deno_dir
  deno_dir=$(host_deno_dir)
  if [ -n "$deno_dir" ] && [ -d "$deno_dir" ]; then
    mkdir -p "$ROOT$deno_dir"
    mountpoint -q "$ROOT$deno_dir" || mount --bind "$deno_dir" "$ROOT$deno_dir"
    # the chroot's own /root (or home) must let the job user through to the mount point
    local p=$deno_dir
    while [ "$p" != / ]; do p=$(dirname "$p"); chmod o+x "$ROOT$p"; done
  fi
}

host_deno_dir() {
  [ -n "${DENO_DIR:-}" ] && { echo "$DENO_DIR"; return; }
  command -v deno >/dev/null 2>&1 &&
    deno info --json 2>/dev/null | sed -n 's/.*"denoDir": *"\([^"]*\)".*/\1/p' | head -n 1
}

client() { # client TOOL ARGS...: a condor tool as the job user (what the wrappers do)
  timeout 20 "$BASE/bin/$1" "${@:2}"
}
answering() {
  pid_alive "$LOCAL/run/master.pid" && [ -x "$BASE/bin/condor_q" ] &&
    client condor_status -af State 2>/dev/null | grep -qE 'Unclaimed|Claimed' &&
    client condor_q -totals >/dev/null 2>&1
}

service_status() {
  if answering; then echo "htcondor: up (CONDOR_BIN=$BASE/bin)"; exit 0; fi
  echo "htcondor: down"; exit 1
}

service_stop() {
  if pid_alive "$LOCAL/run/master.pid"; then
    # graceful: the master stops its daemons and their jobs; then fast shutdown; then KILL
    local pid
    pid=$(cat "$LOCAL/run/master.pid")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do pid_alive "$LOCAL/run/master.pid" || break; sleep 0.2; done
    pid_alive "$LOCAL/run/master.pid" && kill -QUIT "$pid" 2>/dev/null
    for _ in $(seq 1 50); do pid_alive "$LOCAL/run/master.pid" || break; sleep 0.2; done
    pid_alive "$LOCAL/run/master.pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$LOCAL/run/master.pid" "$BASE/env"
  unmount_all
  [ -z "$(mounts_under_root)" ] || echo "[htcondor] still mounted: $(mounts_under_root)" >&2
  log "stopped"
}

write_config() {
  cat >"$CONF" <<CONF
## Personal single-node HTCondor; all state under $LOCAL
RELEASE_DIR = /usr
BIN = \$(RELEASE_DIR)/bin
SBIN = \$(RELEASE_DIR)/sbin
LIB = \$(RELEASE_DIR)/lib/condor
LIBEXEC = \$(RELEASE_DIR)/libexec/condor
SHARE = \$(RELEASE_DIR)/share/condor
LOCAL_DIR = $LOCAL
LOG = \$(LOCAL_DIR)/log
SPOOL = \$(LOCAL_DIR)/spool
EXECUTE = \$(LOCAL_DIR)/execute
LOCK = \$(LOCAL_DIR)/lock
RUN = \$(LOCAL_DIR)/run
CRED_STORE_DIR = \$(LOCAL_DIR)/cred_dir
SEC_TOKEN_SYSTEM_DIRECTORY = \$(LOCAL_DIR)/tokens.d
SEC_PASSWORD_DIRECTORY = \$(LOCAL_DIR)/passwords.d
CONDOR_ADMIN =
use ROLE: Personal
use FEATURE: PartitionableSlot
CONDOR_HOST = 127.0.0.1
NETWORK_INTERFACE = 127.0.0.1
BIND_ALL_INTERFACES = False
## fast turnaround for CI
SCHEDD_INTERVAL = 1
NEGOTIATOR_INTERVAL = 1
NEGOTIATOR_CYCLE_DELAY = 1
NEGOTIATOR_MIN_INTERVAL = 1
STARTER_UPDATE_INTERVAL = 2
SHADOW_QUEUE_UPDATE_INTERVAL = 2
UPDATE_INTERVAL = 2
RUNBENCHMARKS = False
## reuse a claim for the next job of the same user instead of renegotiating
CLAIM_WORKLIFE = 300
## security as in Debian's minicondor package (FS authentication on loopback)
use security:recommended_v9_0
SEC_DEFAULT_AUTHENTICATION = REQUIRED
SEC_DEFAULT_INTEGRITY = REQUIRED
ALLOW_DAEMON = condor@\$(UID_DOMAIN)
ALLOW_NEGOTIATOR = condor@\$(UID_DOMAIN)
ALLOW_ADMINISTRATOR = root@\$(UID_DOMAIN) condor@\$(UID_DOMAIN)
ALLOW_WRITE = *
ALLOW_READ = *
## chroot friendly: unshare(CLONE_NEWNS) fails with EINVAL in the chroot -> no scratch mounts
MOUNT_UNDER_SCRATCH =
USE_PID_NAMESPACES = False
BASE_CGROUP =
CGROUP_MEMORY_LIMIT_POLICY = none
CONF
}

write_wrappers() {
  local tool
  for tool in condor_submit condor_q condor_history condor_rm condor_wait condor_status \
    condor_release condor_hold condor_config_val condor_userlog; do
    # the caller's cwd is kept when it exists in the chroot (a shared directory), else /
    cat >"$BASE/bin/$tool" <<WRAP
#!/bin/sh
exec chroot --userspec=$JOBUSER:$JOBUSER "$ROOT" /usr/bin/env HOME=/home/$JOBUSER CONDOR_CONFIG="$CONF" \\
  /bin/sh -c 'cd "\$0" 2>/dev/null || cd /; exec "\$@"' "\$PWD" /usr/bin/$tool "\$@"
WRAP
    chmod 755 "$BASE/bin/$tool"
  done
}

service_start() {
  setup_chroot
  if answering; then
    mount_shared # a new RISTRETTO_CONDOR_SHARED directory joins a running pool
    log "already running (CONDOR_BIN=$BASE/bin)"
    exit 0
  fi
  service_stop >/dev/null 2>&1
  mount_shared
  cp /etc/hosts "$ROOT/etc/hosts" # the daemons must resolve $(hostname)
  chroot "$ROOT" id "$JOBUSER" >/dev/null 2>&1 ||
    chroot "$ROOT" useradd -m -u "$JOBUID" -s /bin/bash "$JOBUSER" ||
    die "create the job user \"$JOBUSER\" in the chroot"

  rm -rf "$BASE"
  mkdir -p "$BASE"/{etc,bin} "$LOCAL"/{log,spool,execute,lock,run,cred_dir,tokens.d,passwords.d}
  chroot "$ROOT" chown -R condor:condor "$LOCAL"
  chmod 700 "$LOCAL"/{cred_dir,tokens.d,passwords.d}
  write_config
  write_wrappers

  chroot "$ROOT" /usr/bin/env CONDOR_CONFIG="$CONF" /usr/sbin/condor_master \
    -pidfile "$LOCAL/run/master.pid" || die "start \"condor_master\": see $LOCAL/log/MasterLog"
  write_env "$BASE/env" "CONDOR_BIN=$BASE/bin" "CONDOR_CONFIG=$CONF" "CONDOR_ROOT=$ROOT" \
    "CONDOR_JOB_USER=$JOBUSER" "CONDOR_JOB_UID=$JOBUID" \
    "CONDOR_SHARED_DIRS=$(printf '%s:' /tmp $(shared_dirs) | sed 's/:$//')" \
    "CONDOR_DENO_DIR=$(host_deno_dir)"
  # the master writes its pid file a moment after it forks
  wait_for 10 "master pid file" test -s "$LOCAL/run/master.pid"
  if ! wait_for "$WAIT_S" "slot unclaimed, schedd answering" answering; then
    echo "[htcondor] Cannot start \"htcondor\": pool not ready after ${WAIT_S} s" >&2
    tail -n 20 "$LOCAL"/log/MasterLog "$LOCAL"/log/SchedLog >&2
    exit 1
  fi
  log "ready (CONDOR_BIN=$BASE/bin, shared: $(sed -n 's/^CONDOR_SHARED_DIRS=//p' "$BASE/env"))"
}

dispatch "$@"
