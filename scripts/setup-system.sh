#!/usr/bin/env bash
# System packages the unit tests and benchmarks use beyond npm, from Debian: Python with scikit-learn and
# Optuna for the svc_cancer problem and the side-by-side comparison (shared/bench/ref.py). The Slurm tests
# install slurm-wlm/munge themselves (test/slurm/start-slurm.sh); code-server and chromium come from
# test/host/setup.sh. Installs only what is missing, and only as root; otherwise says what to run.
set -euo pipefail
if /usr/bin/python3 -c 'import optuna, sklearn, scipy' >/dev/null 2>&1; then exit 0; fi
pkgs=(python3-optuna python3-sklearn python3-scipy)
if [ "$(id -u)" != 0 ]; then
  echo "hpstudio tests: Python's optuna/scikit-learn are missing; install them with: sudo apt-get install -y ${pkgs[*]}" >&2
  exit 1
fi
echo "hpstudio tests: installing ${pkgs[*]} (once)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${pkgs[@]}" >/dev/null
