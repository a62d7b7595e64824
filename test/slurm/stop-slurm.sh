#!/usr/bin/env bash
# Stops the cluster start-slurm.sh started in $SLURM_BASE: cancels its jobs (Slurm kills their
# processes), stops the daemons by their pid files, and reports leftovers. SLURM_CLEAN=1 also
# deletes $SLURM_BASE. Exit status 1 when a daemon of this cluster survived.
set -uo pipefail
BASE=${SLURM_BASE:?set SLURM_BASE to the directory start-slurm.sh used}
export SLURM_CONF=$BASE/etc/slurm.conf

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]; }
stop_daemon() {  # name pidfile
  local pidfile=$2 pid
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 80); do alive "$pid" || break; sleep 0.25; done
    if alive "$pid"; then echo "$1 ($pid) ignored SIGTERM for 20 s; SIGKILL"; kill -KILL "$pid"; sleep 0.2; fi
  fi
  rm -f "$pidfile"
  echo "stopped $1 ($pid)"
}

if [[ -s $BASE/run/slurmctld.pid ]] && alive "$(cat "$BASE/run/slurmctld.pid")"; then
  scancel --user="$(id -un)" 2>/dev/null || true
  for _ in $(seq 1 60); do
    [[ -z $(squeue -h -t PD,R,CG,S -o %i 2>/dev/null) ]] && break
    sleep 0.25
  done
fi
stop_daemon slurmd "$BASE/run/slurmd.pid"
stop_daemon slurmctld "$BASE/run/slurmctld.pid"
stop_daemon slurmdbd "$BASE/run/slurmdbd.pid"
stop_daemon mariadbd "$BASE/run/mariadb.pid"
stop_daemon munged "$BASE/run/munged.pid"

status=0
# Only daemons started with this cluster's config are ours; other clusters may run on this host.
left=$(ps -eo pid=,stat=,comm=,args= | awk -v conf="$SLURM_CONF" -v base="$BASE" \
  '$2 !~ /Z/ && $3 ~ /^(slurmctld|slurmd|slurmdbd|slurmstepd|munged|mariadbd)$/ && (index($0, conf) || index($0, base "/"))')
if [[ -n $left ]]; then echo "WARNING: processes of this cluster are still alive:"; echo "$left"; status=1; fi
[[ ${SLURM_CLEAN:-0} == 1 && $status == 0 ]] && rm -rf "$BASE"
exit $status
