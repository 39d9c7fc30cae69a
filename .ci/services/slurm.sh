#!/usr/bin/env bash
# A throw-away single-node Slurm (munged + slurmctld + slurmd, no systemd) for the batch tests.
#   slurm.sh start   install the Debian packages if missing, start (or keep) the daemons, wait
#                    until the node is idle (accepts jobs)
#   slurm.sh stop    cancel every job, stop the daemons it started (recorded pids only)
#   slurm.sh status  exit 0 when the controller answers and the node is up
# State: $RISTRETTO_SERVICES_DIR/slurm (default /tmp/ristretto-services/slurm); its `env` file holds
# SLURM_CONF for clients. No accounting (sacct does not work): use scontrol / squeue.
set -uo pipefail
SERVICE=slurm
. "$(dirname "$0")/lib/common.sh"
BASE="$RISTRETTO_SERVICES_DIR/slurm"
CONF="$BASE/etc/slurm.conf"
WAIT_S="${SLURM_WAIT_S:-60}"
export SLURM_CONF="$CONF"

node_state() { timeout 5 sinfo -h -n localhost -o '%T' 2>/dev/null; }
answering() {
  pid_alive "$BASE/run/slurmctld.pid" && pid_alive "$BASE/run/slurmd.pid" &&
    timeout 5 scontrol ping 2>/dev/null | grep -q 'UP' &&
    [[ "$(node_state)" =~ ^(idle|mixed|allocated|completing)$ ]]
}

service_status() {
  if answering; then echo "slurm: up (SLURM_CONF=$CONF, node $(node_state))"; exit 0; fi
  echo "slurm: down"; exit 1
}

service_stop() {
  if [ -f "$CONF" ] && pid_alive "$BASE/run/slurmctld.pid"; then
    # slurmstepd and job processes outlive slurmd otherwise
    timeout 10 scancel --full --quiet 2>/dev/null
    for _ in $(seq 1 100); do
      [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  stop_pid "$BASE/run/slurmd.pid"
  stop_pid "$BASE/run/slurmctld.pid"
  stop_pid "$BASE/run/munged.pid"
  if [ -L /etc/slurm/slurm.conf ] && [[ "$(readlink /etc/slurm/slurm.conf)" == "$BASE"/* ]]; then
    rm -f /etc/slurm/slurm.conf
  fi
  rm -f "$BASE/env"
  log "stopped"
}

service_start() {
  apt_install slurmctld slurmd slurm-client munge
  if answering; then log "already running (SLURM_CONF=$CONF)"; exit 0; fi
  service_stop >/dev/null 2>&1
  rm -rf "$BASE"
  mkdir -p "$BASE"/{etc,state,spool,log,run,munge,munge-key}
  chmod 755 "$BASE" "$BASE/munge" # munged: the socket dir must be world-executable
  chmod 700 "$BASE/munge-key"

  # munge with a private key and socket: never touches /etc/munge or /run/munge
  dd if=/dev/urandom of="$BASE/munge-key/munge.key" bs=1 count=1024 status=none
  chmod 400 "$BASE/munge-key/munge.key"
  munged --socket="$BASE/munge/munge.socket" --key-file="$BASE/munge-key/munge.key" \
    --log-file="$BASE/log/munged.log" --pid-file="$BASE/run/munged.pid" \
    --seed-file="$BASE/munge-key/munged.seed" ||
    die "start \"munged\": see $BASE/log/munged.log"
  munge -S "$BASE/munge/munge.socket" -n | unmunge -S "$BASE/munge/munge.socket" >/dev/null ||
    die "start \"munged\": a credential does not round-trip"

  local mem_mb cpus
  mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
  cpus=$(nproc)
  cat >"$CONF" <<CONF
ClusterName=ristretto
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
SchedulerType=sched/backfill
# no batching delay: a job starts within a second of sbatch
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
# finished jobs stay visible to scontrol for 10 min (no accounting database here)
MinJobAge=600
# scancel: SIGKILL 2 s after SIGTERM (default 30)
KillWait=2
MaxArraySize=100001
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE DefMemPerCPU=1024 State=UP
CONF
  # clients without SLURM_CONF look in /etc/slurm/slurm.conf: link it unless it is someone else's
  mkdir -p /etc/slurm
  if [ ! -e /etc/slurm/slurm.conf ] || [ -L /etc/slurm/slurm.conf ]; then
    ln -sfn "$CONF" /etc/slurm/slurm.conf
  fi

  slurmctld -f "$CONF" -i || die "start \"slurmctld\": see $BASE/log/slurmctld.log"
  slurmd -f "$CONF" -N localhost || die "start \"slurmd\": see $BASE/log/slurmd.log"
  write_env "$BASE/env" "SLURM_CONF=$CONF"

  resume_if_down() {
    [[ "$(node_state)" == down* || "$(node_state)" == drain* ]] &&
      scontrol update NodeName=localhost State=RESUME
    [ "$(node_state)" = idle ]
  }
  if ! wait_for "$WAIT_S" "node idle" resume_if_down; then
    echo "[slurm] Cannot start \"slurm\": node not idle after ${WAIT_S} s (state '$(node_state)')" >&2
    tail -n 20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2
    exit 1
  fi
  log "ready (SLURM_CONF=$CONF)"
}

dispatch "$@"
