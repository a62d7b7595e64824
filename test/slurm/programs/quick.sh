#!/bin/bash
# A two-second trial for the scale test: waits, then prints loss=(x-0.3)^2 for --x=…
# Bash and awk, not Python or Node: 32 of these at once cost the shared test machine next to nothing.
x=0
for arg in "$@"; do
  case $arg in --x=*) x=${arg#--x=} ;; esac
done
sleep "${TRIAL_SECONDS:-2}"
awk -v x="$x" 'BEGIN { printf "loss=%.6f\n", (x - 0.3) ^ 2 }'
