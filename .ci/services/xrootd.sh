#!/usr/bin/env bash
# XRootD for the tests: `.ci/services/xrootd.sh start|stop|status`. Idempotent.
#
#   data server   root://127.0.0.1:1094  (plain HTTP, XrdHttp, on :8080)  cmsd joins the manager
#   redirector    root://127.0.0.1:1095  (xrootd manager + cmsd manager on :1213)
#   data folder   /tmp/ristretto-services/xrootd/data   (tests copy their files in at test time)
#
# Env (defaults): RISTRETTO_XROOTD_BASE=$RISTRETTO_SERVICES_DIR/xrootd  RISTRETTO_XROOTD_PORT=1094
#   RISTRETTO_XROOTD_HTTP_PORT=8080  RISTRETTO_XROOTD_REDIRECTOR_PORT=1095
#   RISTRETTO_XROOTD_CMSD_PORT=1213  RISTRETTO_XROOTD_USER=xrootd  RISTRETTO_XROOTD_WAIT_S=30
# Installs the Debian packages xrootd-server and xrootd-client when missing. As root the daemons
# run with -R <user> (they refuse uid 0); the user is created when missing. Everything binds all
# interfaces (xrootd has no bind option) but `xrd.allow host localhost` refuses other peers.
# Exit codes: 0 ok / running, 1 failure or (status) not running, 2 usage. State, logs and the
# `env` file (RISTRETTO_XROOTD_URL, _REDIRECTOR, _HTTP, _DATA) in $RISTRETTO_SERVICES_DIR/xrootd.
set -uo pipefail
SERVICE=xrootd
. "$(dirname "$0")/lib/common.sh"

BASE=${RISTRETTO_XROOTD_BASE:-$RISTRETTO_SERVICES_DIR/xrootd}
DATA=$BASE/data
PORT=${RISTRETTO_XROOTD_PORT:-1094}
HTTP_PORT=${RISTRETTO_XROOTD_HTTP_PORT:-8080}
REDIRECTOR_PORT=${RISTRETTO_XROOTD_REDIRECTOR_PORT:-1095}
CMSD_PORT=${RISTRETTO_XROOTD_CMSD_PORT:-1213}
RUN_AS=${RISTRETTO_XROOTD_USER:-xrootd}
WAIT_S=${RISTRETTO_XROOTD_WAIT_S:-30}
ROLES=(redirector server) # start order: the manager first, so the server's cmsd finds it

ensure_user() {
  id -u "$RUN_AS" >/dev/null 2>&1 && return 0
  log "creating system user $RUN_AS"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS" ||
    die "start \"xrootd\": cannot create the user $RUN_AS"
}

dir_of() { echo "$BASE/$1"; }

# One config file per role; xrootd and cmsd of a role read the same file ('if exec xrootd'
# keeps the xrootd port and the HTTP protocol away from cmsd).
write_config() {
  local role=$1 dir; dir=$(dir_of "$1")
  {
    echo "all.adminpath $dir/admin"
    echo "all.pidpath $dir/run"
    echo "all.export /"
    echo "xrd.allow host localhost"
    if [ "$role" = redirector ]; then
      echo "all.role manager"
      echo "all.manager localhost:$CMSD_PORT"
      echo "cms.delay startup 1 servers 1 lookup 1"
      echo "if exec xrootd"
      echo "xrd.port $REDIRECTOR_PORT"
      echo "fi"
    else
      echo "all.role server"
      echo "all.manager localhost:$CMSD_PORT"
      echo "oss.localroot $DATA"
      echo "xrootd.chksum adler32"
      echo "if exec xrootd"
      echo "xrd.port $PORT"
      [ "$HTTP_PORT" != 0 ] && echo "xrd.protocol XrdHttp:$HTTP_PORT libXrdHttp.so"
      echo "fi"
    fi
  } >"$dir/xrootd.cfg"
}

alive() { # alive ROLE DAEMON: the recorded PID runs and is still that daemon
  local p; p=$(cat "$(dir_of "$1")/run/$2.ci.pid" 2>/dev/null) || return 1
  [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ]
}
all_alive() {
  local role d
  for role in "${ROLES[@]}"; do for d in cmsd xrootd; do alive "$role" "$d" || return 1; done; done
}
xq() { XRD_CONNECTIONRETRY=1 XRD_REQUESTTIMEOUT=3 timeout 5 xrdfs "$@" >/dev/null 2>&1; }
probe() {
  xq "root://127.0.0.1:$PORT" ls / || return 1
  if [ "$HTTP_PORT" != 0 ]; then
    curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$HTTP_PORT/" || return 1
  fi
  grep -q 'logged in' "$(dir_of redirector)/logs/cmsd.log" 2>/dev/null || return 1
  xq "root://127.0.0.1:$REDIRECTOR_PORT" locate / || return 1
}
busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; } # never probe someone else's server

stop_role() {
  local role=$1 dir d f pid; dir=$(dir_of "$1")
  for d in xrootd cmsd; do
    f=$dir/run/$d.ci.pid
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    if alive "$role" "$d"; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do alive "$role" "$d" || break; sleep 0.1; done
      alive "$role" "$d" && { log "$role $d $pid ignored TERM: KILL"; kill -KILL "$pid"; }
      log "$role $d $pid stopped"
    fi
    rm -f "$f"
  done
}

start_role() {
  local role=$1 dir d runas=(); dir=$(dir_of "$1")
  mkdir -p "$dir/run" "$dir/logs" "$dir/admin"
  write_config "$role"
  if [ "$(id -u)" = 0 ]; then
    runas=(-R "$RUN_AS")
    chown -R "$RUN_AS" "$dir/run" "$dir/logs" "$dir/admin"
  fi
  for d in cmsd xrootd; do
    [ -f "$dir/logs/$d.log" ] && mv -f "$dir/logs/$d.log" "$dir/logs/$d.log.prev"
    setsid "$d" -c "$dir/xrootd.cfg" -l "$dir/logs/$d.log" "${runas[@]}" \
      >"$dir/logs/$d.stdout" 2>&1 </dev/null &
    echo $! >"$dir/run/$d.ci.pid"
    if [ "$d" = cmsd ]; then # xrootd's connect to a cmsd that is not ready is retried after 10 s
      for _ in $(seq 1 $((WAIT_S * 10))); do
        grep -qE 'manager service enabled|Waiting for primary server|Logged in|logged in' \
          "$dir/logs/cmsd.log" 2>/dev/null && break
        alive "$role" cmsd || break
        sleep 0.1
      done
    fi
  done
}

tail_logs() {
  local role
  for role in "${ROLES[@]}"; do tail -n 15 "$(dir_of "$role")"/logs/*.log >&2 || true; done
}

service_start() {
  apt_install xrootd-server xrootd-client curl
  ensure_user
  mkdir -p "$DATA"
  if all_alive && probe; then
    log "already running (root://127.0.0.1:$PORT, redirector :$REDIRECTOR_PORT, http :$HTTP_PORT)"
    write_service_env
    return 0
  fi
  stop_all >/dev/null
  local p
  for p in "$PORT" "$REDIRECTOR_PORT" "$CMSD_PORT" $([ "$HTTP_PORT" != 0 ] && echo "$HTTP_PORT"); do
    busy "$p" && die "start \"xrootd\": port $p already in use by another program"
  done
  chown "$RUN_AS" "$DATA" && chmod 755 "$DATA"
  local role t0=$SECONDS
  for role in "${ROLES[@]}"; do start_role "$role"; done
  until probe; do
    all_alive || { tail_logs; stop_all >&2; die "start \"xrootd\": a daemon exited (logs above)"; }
    [ $((SECONDS - t0)) -lt "$WAIT_S" ] ||
      { tail_logs; stop_all >&2; die "start \"xrootd\": not ready in ${WAIT_S} s (logs above)"; }
    sleep 0.3
  done
  write_service_env
  log "ready in $((SECONDS - t0)) s: root://127.0.0.1:$PORT (data $DATA)," \
    "redirector root://127.0.0.1:$REDIRECTOR_PORT, http://127.0.0.1:$HTTP_PORT"
}

write_service_env() {
  write_env "$BASE/env" "RISTRETTO_XROOTD_URL=root://127.0.0.1:$PORT" \
    "RISTRETTO_XROOTD_REDIRECTOR=root://127.0.0.1:$REDIRECTOR_PORT" \
    "RISTRETTO_XROOTD_HTTP=http://127.0.0.1:$HTTP_PORT" "RISTRETTO_XROOTD_DATA=$DATA"
}

stop_all() {
  local i
  for ((i = ${#ROLES[@]} - 1; i >= 0; i--)); do stop_role "${ROLES[$i]}"; done
}

service_stop() {
  stop_all
  rm -f "$BASE/env"
  log "stopped"
}

service_status() {
  if all_alive && probe; then
    log "up: root://127.0.0.1:$PORT (data $DATA), redirector root://127.0.0.1:$REDIRECTOR_PORT," \
      "http://127.0.0.1:$HTTP_PORT"
    exit 0
  fi
  log "down"
  exit 1
}

dispatch "$@"
