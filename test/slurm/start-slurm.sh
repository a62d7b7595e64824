#!/usr/bin/env bash
# Starts a throw-away single-node Slurm cluster on 127.0.0.1 for the Slurm executor tests
# (Debian 12 / Slurm 22.05, as root). Everything lives under $SLURM_BASE; nothing in /etc changes.
# Clients then use:  source "$SLURM_BASE/env.sh"   (exports SLURM_CONF)
#
# Set up as real clusters run it: two partitions where the higher one preempts the lower
# (PreemptMode=REQUEUE), more CPU slots than the machine has cores (SLURM_CPUS, through
# SlurmdParameters=config_overrides) and, with SLURM_ACCOUNTING=dbd, slurmdbd on MariaDB with limits
# enforced (cluster, account and user associations made here).
#
# Environment:
#   SLURM_BASE        state/config/log directory (default /tmp/hps-slurm-$$; keep it short:
#                     munge's socket path must fit in a UNIX socket name, ~100 characters)
#   SLURM_ACCOUNTING  none (default): no database; a finished job's state and exit code come from
#                     `scontrol show job` (MinJobAge keeps it an hour) or `sacct -c` (the job-completion log)
#                     dbd: slurmdbd + MariaDB, `sacct` works, limits (MaxSubmitJobs…) are enforced, and
#                     finished jobs leave slurmctld after 5 s (MinJobAge) as on a busy cluster
#   SLURM_AUTH        munge (default) | none
#   SLURM_CPUS        CPU slots of the node (default: the machine's cores); more than the cores is fine
#                     for jobs that mostly wait
#   SLURM_INSTALL     1 (default): apt-get install missing packages (fresh CI machines)
#   SLURM_CTLD_PORT / SLURM_D_PORT / SLURM_DBD_PORT / SLURM_DB_PORT
#                     default 6817 / 6818 / 6819 / 3307 (tests pick free ones)
#   SLURM_KEEP_STATE  1: keep job state (and the database) from a previous start (default: start fresh)
#   SLURM_READY_TIMEOUT  seconds to wait for each daemon and for the node to become idle (default 120)
set -euo pipefail

BASE=${SLURM_BASE:-/tmp/hps-slurm-$$}
ACCOUNTING=${SLURM_ACCOUNTING:-none}
AUTH=${SLURM_AUTH:-munge}
CTLD_PORT=${SLURM_CTLD_PORT:-6817}
D_PORT=${SLURM_D_PORT:-6818}
DBD_PORT=${SLURM_DBD_PORT:-6819}
DB_PORT=${SLURM_DB_PORT:-3307}
READY_TIMEOUT=${SLURM_READY_TIMEOUT:-120}
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

[[ $ACCOUNTING == none || $ACCOUNTING == dbd ]] || fail "SLURM_ACCOUNTING must be none or dbd, not $ACCOUNTING"
(( ${#BASE} <= 60 )) || fail "SLURM_BASE is too long (${#BASE} characters): munge's socket path would not fit"
[[ $(id -u) == 0 ]] || fail "must run as root (slurmd runs jobs as their submitting user)"
for pidfile in "$BASE"/run/*.pid; do
  [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && fail "a cluster already runs in $BASE ($pidfile); run stop-slurm.sh first"
done

# 1. Packages (idempotent; a no-op where they are installed).
packages=(slurmctld slurmd slurm-client)
[[ $AUTH == munge ]] && packages+=(munge)
[[ $ACCOUNTING == dbd ]] && packages+=(slurmdbd mariadb-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  [[ ${SLURM_INSTALL:-1} == 1 ]] || fail "missing packages: ${missing[*]} (SLURM_INSTALL=0)"
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Package scripts may have started the system's daemons on the default ports.
if [[ -d /run/systemd/system ]]; then systemctl stop slurmdbd slurmd slurmctld munge mariadb 2>/dev/null || true; fi

# 2. Configuration. Saved state is wiped: a restored node reads "idle" before its slurmd has
# registered, and jobs submitted then sit pending. SLURM_KEEP_STATE=1 keeps it (job ids go on).
[[ ${SLURM_KEEP_STATE:-0} == 1 ]] || rm -rf "$BASE/state" "$BASE/spool" "$BASE/db" "$BASE/log/jobcomp.txt"
mkdir -p "$BASE"/{etc,munge,state,spool,log,run}
chmod 755 "$BASE" "$BASE/munge"
CONF=$BASE/etc/slurm.conf
CORES=$(nproc)
CPUS=${SLURM_CPUS:-$CORES}
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || fail "SLURM_CPUS must be a positive number, not $CPUS"
MEMORY_MB=$(( $(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p') * 9 / 10 ))  # above what slurmd sees, the node drains
# cred_expire: a requeued job waits this long before it may start again (120 s by default; 5 is
# the least Slurm accepts).
if [[ $AUTH == munge ]]; then
  AUTH_CONF="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket,cred_expire=5"
else
  AUTH_CONF="AuthType=auth/none
CredType=cred/none
AuthInfo=cred_expire=5"
fi
if [[ $ACCOUNTING == dbd ]]; then
  # MinJobAge=5: a finished job leaves slurmctld's memory soon (busy clusters purge within minutes),
  # so clients must read its end from sacct, as they must on such clusters.
  ACCOUNTING_CONF="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
$([[ $AUTH == munge ]] && echo "AccountingStoragePass=socket=$BASE/munge/munge.socket" || true)
AccountingStorageEnforce=associations,limits,qos
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
MinJobAge=5"
else
  ACCOUNTING_CONF="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=3600"
fi
SLOTS_CONF=""
(( CPUS != CORES )) && SLOTS_CONF="SlurmdParameters=config_overrides"
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
$ACCOUNTING_CONF
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
SchedulerType=sched/backfill
# A job whose start time has passed (a requeued one after cred_expire) is only looked at by the
# periodic passes, every 60 s (main) and 30 s (backfill) by default: a test cluster does them every
# second (batch_sched_delay: how long batch jobs may wait to be scheduled, 3 s by default).
SchedulerParameters=sched_interval=1,bf_interval=1,batch_sched_delay=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# A job in the urgent partition preempts jobs of the debug one, which go back to the queue.
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
JobRequeue=1
# 1: a node set DOWN (by hand or by a failure) stays down with its reason until resumed.
ReturnToService=1
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
MpiDefault=none
SwitchType=switch/none
$SLOTS_CONF
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=1
PartitionName=urgent Nodes=$NODE Default=NO MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=10
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

if [[ $ACCOUNTING == dbd ]]; then
  DB=$BASE/db
  SQL=(mariadb --no-defaults -S "$DB/mysqld.sock" -u root)
  if [[ ! -d $DB/data/mysql ]]; then
    mkdir -p "$DB/data"
    mariadb-install-db --no-defaults --user=root --datadir="$DB/data" --auth-root-authentication-method=socket \
      --skip-test-db >"$BASE/log/mariadb-install.log" 2>&1 || fail "mariadb-install-db failed (see $BASE/log/mariadb-install.log)"
  fi
  # A small server: one test database, loopback only, little memory.
  setsid mariadbd --no-defaults --user=root --datadir="$DB/data" --socket="$DB/mysqld.sock" \
    --pid-file="$BASE/run/mariadb.pid" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --log-error="$BASE/log/mariadb.log" --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --innodb-lock-wait-timeout=900 --performance-schema=OFF \
    </dev/null >/dev/null 2>&1 &
  wait_until "MariaDB" "$READY_TIMEOUT" "${SQL[@]}" -e 'SELECT 1'
  "${SQL[@]}" -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm-test';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
  say "MariaDB up"
  (
    umask 077
    cat >"$BASE/etc/slurmdbd.conf" <<DBD
$(grep -v '^CredType' <<<"$AUTH_CONF" | sed 's/,cred_expire=[0-9]*//; /^AuthInfo=cred_expire/d')
DbdHost=$NODE
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
PidFile=$BASE/run/slurmdbd.pid
LogFile=$BASE/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=slurm-test
StorageLoc=slurm_acct_db
DBD
  )
  slurmdbd  # reads slurmdbd.conf next to $SLURM_CONF
  wait_until "slurmdbd" "$READY_TIMEOUT" sacctmgr -n list cluster
  # Limits are enforced, so the user who submits needs an association (as on real clusters).
  sacctmgr -i add cluster hps >/dev/null
  sacctmgr -i add account hps Description=tests Organization=hps Cluster=hps >/dev/null
  sacctmgr -i add user "$(id -un)" Account=hps DefaultAccount=hps Cluster=hps >/dev/null
  say "slurmdbd up, associations made"
fi

slurmctld -f "$CONF"
slurmd -f "$CONF" -N "$NODE"
say "slurmctld and slurmd launched ($CPUS CPU slots on $CORES cores, accounting: $ACCOUNTING)"

node_idle() { [[ $(sinfo -h -n "$NODE" -o %t 2>/dev/null) == idle ]]; }
wait_until "node $NODE to become idle" "$READY_TIMEOUT" node_idle
# "idle" can come before the scheduler will place jobs there (a job submitted right away sat pending
# for seconds): ready means a real job ran.
timeout "$READY_TIMEOUT" srun -n1 --job-name=hps-ready-probe true || fail "a probe job (srun true) did not run"
say "cluster ready: source $BASE/env.sh"
