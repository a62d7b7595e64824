#!/usr/bin/env bash
# System packages the integration tests and benchmarks use beyond npm, from Debian: Python with
# scikit-learn, SciPy and Optuna for the svc_cancer problem and the side-by-side comparison with Optuna
# (test/bench/optuna/), Slurm with munge for the executor's tests against a real single-node cluster
# (started by test/slurm/start-slurm.sh), nbclient/nbformat/ipykernel for notebook trials, and
# python3-venv for the in-host interpreter test.
# Code-server and chromium come from test/host/setup.sh. Installs only what is missing, and only as root;
# otherwise says what to run.
set -euo pipefail
pkgs=()
/usr/bin/python3 -c 'import optuna, sklearn, scipy' >/dev/null 2>&1 || pkgs+=(python3-optuna python3-sklearn python3-scipy)
# Notebook trials run on a real Jupyter kernel: nbclient drives an ipykernel of /usr/bin/python3.
/usr/bin/python3 -c 'import nbclient, nbformat, ipykernel' >/dev/null 2>&1 || pkgs+=(python3-nbclient python3-nbformat python3-ipykernel)
# The in-host interpreter test creates a venv (`python3 -m venv` needs ensurepip, which Debian ships apart).
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || pkgs+=(python3-venv)
# Slurm as clusters run it: slurmdbd on MariaDB for accounting (sacct), besides the controller and node daemons.
for p in slurmctld slurmd slurm-client munge slurmdbd mariadb-server; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || pkgs+=("$p")
done
[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "hpstudio tests: missing system packages; install them with: sudo apt-get install -y ${pkgs[*]}" >&2
  exit 1
fi
echo "hpstudio tests: installing ${pkgs[*]} (once)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
