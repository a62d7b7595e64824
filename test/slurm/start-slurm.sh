#!/usr/bin/env bash
# Starts a throw-away single-node Slurm cluster on 127.0.0.1 for the Slurm executor tests
# (Debian 12 / Slurm 22.05, as root). Everything lives under $SLURM_BASE; nothing in /etc changes.
# Clients then use:  source "$SLURM_BASE/env.sh"   (exports SLURM_CONF)
#
# Environment:
#   SLURM_BASE        state/config/log directory (default /tmp/hps-slurm-$$; keep it short:
#                     munge's socket path must fit in a UNIX socket name, ~100 characters)
#   SLURM_ACCOUNTING  only "none" is supported here: no slurmdbd/MariaDB, so a finished job's
#                     state and exit code come from `scontrol show job` (MinJobAge keeps it) or
#                     `sacct -c` (the job-completion log)
#   SLURM_AUTH        munge (default) | none
#   SLURM_INSTALL     1 (default): apt-get install missing packages (fresh CI machines)
#   SLURM_CTLD_PORT / SLURM_D_PORT   default 6817 / 6818 (tests pick free ones)
#   SLURM_KEEP_STATE  1: keep job state from a previous start (default: start fresh)
#   SLURM_READY_TIMEOUT              seconds to wait for the node to become idle (default 60)
set -euo pipefail

BASE=${SLURM_BASE:-/tmp/hps-slurm-$$}
ACCOUNTING=${SLURM_ACCOUNTING:-none}
AUTH=${SLURM_AUTH:-munge}
CTLD_PORT=${SLURM_CTLD_PORT:-6817}
D_PORT=${SLURM_D_PORT:-6818}
READY_TIMEOUT=${SLURM_READY_TIMEOUT:-60}
NODE=$(hostname -s)
START=$(date +%s%N)

say() { echo "[start-slurm +$(( ($(date +%s%N) - START) / 1000000 ))ms] $*"; }
fail() {
  echo "start-slurm: $*" >&2
  for f in "$BASE"/log/*.log; do [[ -f $f ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}
wait_until() {  # what seconds command...
  local what=$1 deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || fail "timed out waiting for $what"
    sleep 0.2
  done
}

[[ $ACCOUNTING == none ]] || fail "SLURM_ACCOUNTING=$ACCOUNTING is not supported by this script (only none)"
(( ${#BASE} <= 60 )) || fail "SLURM_BASE is too long (${#BASE} characters): munge's socket path would not fit"
[[ $(id -u) == 0 ]] || fail "must run as root (slurmd runs jobs as their submitting user)"
for pidfile in "$BASE"/run/*.pid; do
  [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && fail "a cluster already runs in $BASE ($pidfile); run stop-slurm.sh first"
done

# 1. Packages (idempotent; a no-op where they are installed).
packages=(slurmctld slurmd slurm-client)
[[ $AUTH == munge ]] && packages+=(munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  [[ ${SLURM_INSTALL:-1} == 1 ]] || fail "missing packages: ${missing[*]} (SLURM_INSTALL=0)"
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Package scripts may have started the system's daemons on the default ports.
if [[ -d /run/systemd/system ]]; then systemctl stop slurmd slurmctld munge 2>/dev/null || true; fi

# 2. Configuration. Saved state is wiped: a restored node reads "idle" before its slurmd has
# registered, and jobs submitted then sit pending. SLURM_KEEP_STATE=1 keeps it (job ids go on).
[[ ${SLURM_KEEP_STATE:-0} == 1 ]] || rm -rf "$BASE/state" "$BASE/spool" "$BASE/log/jobcomp.txt"
mkdir -p "$BASE"/{etc,munge,state,spool,log,run}
chmod 755 "$BASE" "$BASE/munge"
CONF=$BASE/etc/slurm.conf
CPUS=$(nproc)
MEMORY_MB=$(( $(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p') * 9 / 10 ))  # above what slurmd sees, the node drains
if [[ $AUTH == munge ]]; then
  AUTH_CONF="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket"
else
  AUTH_CONF="AuthType=auth/none
CredType=cred/none"
fi
cat >"$CONF" <<CONF
ClusterName=hps
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$D_PORT
SlurmUser=root
SlurmdUser=root
$AUTH_CONF
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# pgid, not linuxproc: linuxproc walks parent links while killing, and a grandchild whose parent
# died first was reparented to init and survived scancel (seen here). A process group is killed at
# once; only a program that calls setsid itself escapes. cgroup is best but CI containers often
# cannot write cgroups.
ProctrackType=proctrack/pgid
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
MpiDefault=none
SwitchType=switch/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
echo "export SLURM_CONF=$CONF" >"$BASE/env.sh"
export SLURM_CONF=$CONF

# 3. Daemons.
if [[ $AUTH == munge ]]; then
  if [[ ! -s $BASE/munge/munge.key ]]; then
    head -c 1024 /dev/urandom >"$BASE/munge/munge.key"
    chmod 400 "$BASE/munge/munge.key"
  fi
  # --force: munged refuses root and world-writable parents (/tmp) otherwise.
  munged --force --socket="$BASE/munge/munge.socket" --key-file="$BASE/munge/munge.key" \
    --pid-file="$BASE/run/munged.pid" --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed"
  munge -n -S "$BASE/munge/munge.socket" | unmunge -S "$BASE/munge/munge.socket" >/dev/null || fail "munge self-test failed"
  say "munged up"
fi
slurmctld -f "$CONF"
slurmd -f "$CONF" -N "$NODE"
say "slurmctld and slurmd launched"

node_idle() { [[ $(sinfo -h -n "$NODE" -o %t 2>/dev/null) == idle ]]; }
wait_until "node $NODE to become idle" "$READY_TIMEOUT" node_idle
# "idle" can come before the scheduler will place jobs there (a job submitted right away sat pending
# for seconds): ready means a real job ran.
timeout "$READY_TIMEOUT" srun -n1 --job-name=hps-ready-probe true || fail "a probe job (srun true) did not run"
say "cluster ready: source $BASE/env.sh"
