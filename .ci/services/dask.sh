#!/usr/bin/env bash
# A loopback Dask scheduler + one worker (Debian python3-distributed under /usr/bin/python3).
#   dask.sh start   install python3-distributed if missing, start (or keep) scheduler and worker,
#                   wait until the worker is registered
#   dask.sh stop    stop the processes it started (recorded pids only)
#   dask.sh status  exit 0 when the scheduler answers with at least one worker
# State: $RISTRETTO_SERVICES_DIR/dask; its `env` file holds DASK_SCHEDULER_ADDRESS.
# DASK_PORT (8786), DASK_NTHREADS (2: one job per core) are read from the environment.
set -uo pipefail
SERVICE=dask
. "$(dirname "$0")/lib/common.sh"
BASE="$RISTRETTO_SERVICES_DIR/dask"
PORT="${DASK_PORT:-8786}"
ADDRESS="tcp://127.0.0.1:$PORT"
PY=/usr/bin/python3 # Debian's python, whatever python3 is first on PATH (pyenv, venvs)
WAIT_S="${DASK_WAIT_S:-60}"

workers_registered() {
  timeout 20 "$PY" - "$ADDRESS" <<'PY' 2>/dev/null
import sys
from distributed import Client
with Client(sys.argv[1], timeout=5) as c:
    sys.exit(0 if len(c.scheduler_info()["workers"]) >= 1 else 1)
PY
}
answering() {
  pid_alive "$BASE/run/scheduler.pid" && pid_alive "$BASE/run/worker.pid" && workers_registered
}

service_status() {
  if answering; then echo "dask: up ($ADDRESS)"; exit 0; fi
  echo "dask: down"; exit 1
}

service_stop() {
  stop_pid "$BASE/run/worker.pid" 10
  stop_pid "$BASE/run/scheduler.pid"
  rm -f "$BASE/env"
  log "stopped"
}

service_start() {
  apt_install python3-distributed
  if answering; then log "already running ($ADDRESS)"; exit 0; fi
  service_stop >/dev/null 2>&1
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "start \"dask\": port $PORT is in use by a process this script did not start"
  fi
  rm -rf "$BASE"
  mkdir -p "$BASE"/{log,run,work}
  # setsid: own session, so the daemons outlive the calling shell
  setsid "$PY" -m distributed.cli.dask_scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard \
    >"$BASE/log/scheduler.log" 2>&1 </dev/null &
  echo $! >"$BASE/run/scheduler.pid"
  # --no-nanny: the worker is the recorded pid (stop kills exactly it); jobs are subprocesses
  setsid "$PY" -m distributed.cli.dask_worker "$ADDRESS" --host 127.0.0.1 \
    --nworkers 1 --nthreads "${DASK_NTHREADS:-$(nproc)}" --no-nanny --no-dashboard \
    --local-directory "$BASE/work" >"$BASE/log/worker.log" 2>&1 </dev/null &
  echo $! >"$BASE/run/worker.pid"
  write_env "$BASE/env" "DASK_SCHEDULER_ADDRESS=$ADDRESS"
  if ! wait_for "$WAIT_S" "worker registered" workers_registered; then
    echo "[dask] Cannot start \"dask\": no worker registered after ${WAIT_S} s" >&2
    tail -n 20 "$BASE"/log/*.log >&2
    exit 1
  fi
  log "ready ($ADDRESS)"
}

dispatch "$@"
