#!/usr/bin/python3
"""Optuna's side of `npm run bench:optuna` (test/bench/optuna-compare.ts starts it).

Runs Optuna (Debian's python3-optuna) on the problems of problems.py with the same seeds and
budgets as our side and prints one JSON object per line on stdout:

  optuna_side.py study    --problem P --sampler S --trials N --seeds A..B
      {"mode": "study", "problem", "sampler", "seed", "trials", "best_at": {"10": v, ..., "N": v},
       "overhead_ms": per-trial time outside the objective}
  optuna_side.py pruning  --problem lc_mild --sampler S --pruner R --trials N --seeds A..B
      {"mode": "pruning", "problem", "sampler", "pruner", "seed", "trials", "pruned", "epochs",
       "best": best completed loss, "regret": best - f*}
  optuna_side.py overhead --sampler S --trials N
      {"mode": "overhead", "sampler", "trials", "ms_per_trial"}

Samplers: random, tpe (defaults), tpe_mv (multivariate TPE), cmaes, qmc (scrambled Sobol).
Pruners: none, median, asha (successive halving), hyperband. Every sampler gets the run's seed.
A learning-curve trial reports its loss after every epoch and asks the pruner after all but the last,
as our runner (src/core/bench/runner.ts) does.
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import problems  # noqa: E402  (this folder, not an installed package)

CHECKPOINTS = (10, 20, 50, 100)
# Best values of loss(81) over the box, found with scipy by test/bench/optuna/make_vectors.py.
CURVE_OPTIMUM = {"lc_synth": 0.24044152217941256, "lc_mild": 0.1837673943210673}


def load_optuna():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # experimental-feature warnings of qmc and multivariate TPE
    return optuna


def make_sampler(optuna, name, seed):
    samplers = optuna.samplers
    factories = {
        "random": lambda: samplers.RandomSampler(seed=seed),
        "tpe": lambda: samplers.TPESampler(seed=seed),
        "tpe_mv": lambda: samplers.TPESampler(seed=seed, multivariate=True),
        "cmaes": lambda: samplers.CmaEsSampler(seed=seed),
        "qmc": lambda: samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed),
    }
    if name not in factories:
        raise SystemExit("unknown sampler %r (known: %s)" % (name, ", ".join(factories)))
    return factories[name]()


def make_pruner(optuna, name):
    pruners = optuna.pruners
    factories = {
        "none": pruners.NopPruner,
        "median": pruners.MedianPruner,
        "asha": lambda: pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        "hyperband": lambda: pruners.HyperbandPruner(min_resource=1, max_resource=problems.CURVE_EPOCHS,
                                                     reduction_factor=3),
    }
    if name not in factories:
        raise SystemExit("unknown pruner %r (known: %s)" % (name, ", ".join(factories)))
    return factories[name]()


def suggest(trial, space):
    params = {}
    for entry in space:
        kind, name = entry[0], entry[1]
        if kind == "float":
            params[name] = trial.suggest_float(name, entry[2], entry[3], log=entry[4])
        elif kind == "int":
            params[name] = trial.suggest_int(name, entry[2], entry[3])
        else:
            params[name] = trial.suggest_categorical(name, entry[2])
    return params


def checkpoints(trials):
    return [c for c in CHECKPOINTS if c < trials] + [trials]


def run_study(optuna, problem, sampler, trials, seed, evaluate):
    space = problems.PROBLEMS[problem][0]
    in_objective = [0.0]

    def objective(trial):
        params = suggest(trial, space)
        started = time.perf_counter()
        value = evaluate(params)
        in_objective[0] += time.perf_counter() - started
        return value

    study = optuna.create_study(direction="minimize", sampler=make_sampler(optuna, sampler, seed))
    started = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    wall = time.perf_counter() - started
    values = [t.value for t in study.trials]
    return {"mode": "study", "problem": problem, "sampler": sampler, "seed": seed, "trials": trials,
            "best_at": {str(c): min(values[:c]) for c in checkpoints(trials)},
            "overhead_ms": (wall - in_objective[0]) / trials * 1000.0}


def run_pruning(optuna, problem, sampler, pruner, trials, seed):
    optimum = CURVE_OPTIMUM[problem]
    epochs = [0]

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        m = trial.suggest_float("m", 0.0, 1.0)
        loss = math.inf
        for epoch in range(1, problems.CURVE_EPOCHS + 1):
            loss = problems.curve_loss(problem, lr, m, epoch)
            epochs[0] += 1
            trial.report(loss, epoch)
            if epoch < problems.CURVE_EPOCHS and trial.should_prune():
                raise optuna.TrialPruned()
        return loss

    study = optuna.create_study(direction="minimize", sampler=make_sampler(optuna, sampler, seed),
                                pruner=make_pruner(optuna, pruner))
    study.optimize(objective, n_trials=trials)
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = min(t.value for t in done) if done else math.inf
    pruned = sum(1 for t in study.trials if t.state == optuna.trial.TrialState.PRUNED)
    return {"mode": "pruning", "problem": problem, "sampler": sampler, "pruner": pruner, "seed": seed,
            "trials": trials, "pruned": pruned, "epochs": epochs[0], "best": best, "regret": best - optimum}


def run_overhead(optuna, sampler, trials):
    """Optuna's own cost per trial on x^2 + y^2 (the objective costs nothing)."""
    study = optuna.create_study(direction="minimize", sampler=make_sampler(optuna, sampler, 0))

    def objective(trial):
        x = trial.suggest_float("x", -10.0, 10.0)
        y = trial.suggest_float("y", -10.0, 10.0)
        return x * x + y * y

    started = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    wall = time.perf_counter() - started
    return {"mode": "overhead", "sampler": sampler, "trials": trials, "ms_per_trial": wall / trials * 1000.0}


def seed_range(text):
    first, _, last = text.partition("..")
    first = int(first)
    return range(first, int(last or first) + 1)


def main(argv):
    parser = argparse.ArgumentParser(description="Optuna's side of the side-by-side benchmark")
    parser.add_argument("mode", choices=["study", "pruning", "overhead"])
    parser.add_argument("--problem")
    parser.add_argument("--sampler", default="tpe")
    parser.add_argument("--pruner", default="none")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=seed_range, default=range(0, 1), help="A..B (inclusive) or A")
    args = parser.parse_args(argv)
    optuna = load_optuna()
    emit = lambda record: print(json.dumps(record), flush=True)  # noqa: E731
    if args.mode == "overhead":
        emit(run_overhead(optuna, args.sampler, args.trials))
    elif args.mode == "pruning":
        if args.problem not in problems.CURVE_STEEPNESS:
            parser.error("--problem must be lc_synth or lc_mild for pruning")
        for seed in args.seeds:
            emit(run_pruning(optuna, args.problem, args.sampler, args.pruner, args.trials, seed))
    else:
        if args.problem not in problems.PROBLEMS:
            parser.error("--problem must be one of %s" % ", ".join(problems.PROBLEMS))
        evaluate = problems.objective(args.problem)
        if args.problem == "svc_cancer":
            evaluate({"C": 1.0, "gamma": 0.01, "n_components": 10})  # warm-up: imports out of the timing
        for seed in args.seeds:
            emit(run_study(optuna, args.problem, args.sampler, args.trials, seed, evaluate))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
