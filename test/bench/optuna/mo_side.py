#!/usr/bin/python3
"""Optuna's side of the multi-objective benchmark in `npm run bench:optuna`.

    mo_side.py --problem zdt1 --sampler nsga2|motpe --trials 300 --seeds 0..9

runs Optuna (Debian's python3-optuna) with its defaults — NSGAIISampler(seed=s), or TPESampler(seed=s),
which is multi-objective TPE when the study has several directions — on one problem of
mo_problems.py, minimising every objective, and prints one JSON object per seed:

    {"problem", "sampler", "seed", "trials", "optuna": version,
     "hypervolume_after": {"100": hv, "300": hv}, "overhead_ms_per_trial": ms}

The hypervolume is Optuna's own exact WFG over the trials up to each checkpoint that lie strictly
inside the reference point; the overhead is wall time outside the objective, per trial.
"""
import argparse
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mo_problems  # noqa: E402  (this folder, not an installed package)

CHECKPOINTS = (100, 300)


def hypervolume(optuna, np, values, reference):
    from optuna._hypervolume import WFG  # Optuna 3.x: exact hypervolume (WFG algorithm)
    inside = [v for v in values if all(a < r for a, r in zip(v, reference))]
    if not inside:
        return 0.0
    return float(WFG().compute(np.asarray(inside, dtype=float), np.asarray(reference, dtype=float)))


def run(optuna, np, problem, sampler, trials, seed):
    n, objective, reference = mo_problems.PROBLEMS[problem]
    if sampler == "nsga2":
        chosen = optuna.samplers.NSGAIISampler(seed=seed)
    elif sampler == "motpe":
        chosen = optuna.samplers.TPESampler(seed=seed)
    else:
        raise SystemExit("unknown sampler %r (nsga2, motpe)" % sampler)
    study = optuna.create_study(directions=["minimize"] * len(reference), sampler=chosen)
    inside = [0.0]

    def evaluate(trial):
        xs = [trial.suggest_float("x%d" % i, 0.0, 1.0) for i in range(n)]
        started = time.perf_counter()
        values = objective(xs)
        inside[0] += time.perf_counter() - started
        return values

    started = time.perf_counter()
    study.optimize(evaluate, n_trials=trials)
    wall = time.perf_counter() - started
    values = [t.values for t in study.trials]
    after = {str(c): hypervolume(optuna, np, values[:c], reference) for c in CHECKPOINTS if c < trials}
    after[str(trials)] = hypervolume(optuna, np, values, reference)
    return {"problem": problem, "sampler": sampler, "seed": seed, "trials": trials, "optuna": optuna.__version__,
            "hypervolume_after": after, "overhead_ms_per_trial": (wall - inside[0]) / trials * 1000.0}


def seed_range(text):
    first, _, last = text.partition("..")
    return range(int(first), int(last or first) + 1)


def main(argv):
    parser = argparse.ArgumentParser(description="Optuna's side of the multi-objective benchmark")
    parser.add_argument("--problem", required=True, choices=sorted(mo_problems.PROBLEMS))
    parser.add_argument("--sampler", required=True, choices=["nsga2", "motpe"])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seeds", type=seed_range, default=range(0, 1), help="A..B (inclusive) or A")
    args = parser.parse_args(argv)
    import numpy as np
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # experimental-feature warnings
    for seed in args.seeds:
        print(json.dumps(run(optuna, np, args.problem, args.sampler, args.trials, seed)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
