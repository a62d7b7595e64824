#!/usr/bin/env python3
"""Multi-objective example: a random forest on scikit-learn's bundled digits data (no download).

Bigger forests classify better and weigh more; this script reports both, so a study can look for the
trade-off. The forest grows in rounds (warm start) and each round prints one JSON line, e.g.
    {"step": 20, "val_accuracy": 0.951, "model_kb": 412.7}
model_kb is the size of the pickled model, what shipping it would cost.

Hyperparameters come from config.json next to this script; --name=value arguments override them for
one run (that is how a tuning study tries new values).

usage: python3 train.py [--n_estimators=40] [--max_depth=10] [--min_samples_leaf=1]
                        [--max_features=0.3] [--seed=0] [--config=path]
"""
import json
import os
import pickle
import sys

DEFAULTS = {"n_estimators": 40, "max_depth": 10, "min_samples_leaf": 1, "max_features": 0.3, "seed": 0}
INTS = {"n_estimators", "max_depth", "min_samples_leaf", "seed"}


def fail(message, code=2):
    print(f"train.py: {message}", file=sys.stderr)
    sys.exit(code)


def options(argv):
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")
    for arg in argv:
        if arg.startswith("--config="):
            config = arg[len("--config="):]
    opts = dict(DEFAULTS)
    if os.path.exists(config):
        try:
            with open(config, encoding="utf-8") as f:
                opts.update({k: v for k, v in json.load(f).items() if k in DEFAULTS})
        except ValueError as err:
            fail(f"{config} is not valid JSON: {err}")
    for arg in argv:
        if arg.startswith("--config="):
            continue
        name, sep, text = arg[2:].partition("=")
        if not arg.startswith("--") or not sep or name not in DEFAULTS:
            fail(f"unknown argument {arg!r} (expected --name=value, names: {', '.join(DEFAULTS)})")
        try:
            opts[name] = int(float(text)) if name in INTS else float(text)
        except ValueError:
            fail(f"--{name} needs a number, got {text!r}")
    if opts["n_estimators"] < 1 or opts["max_depth"] < 1 or opts["min_samples_leaf"] < 1:
        fail("n_estimators, max_depth and min_samples_leaf must be at least 1")
    if not 0 < opts["max_features"] <= 1:
        fail("max_features is a fraction of the features, in (0, 1]")
    return opts


def main():
    opts = options(sys.argv[1:])
    try:
        from sklearn.datasets import load_digits
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import train_test_split
    except ImportError:
        fail(f"scikit-learn is missing for {sys.executable} (Debian: apt install python3-sklearn; "
             "or set hpstudio.pythonPath to an interpreter that has it)", 3)
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    forest = RandomForestClassifier(n_estimators=0, warm_start=True, max_depth=opts["max_depth"],
                                    min_samples_leaf=opts["min_samples_leaf"],
                                    max_features=opts["max_features"], random_state=opts["seed"], n_jobs=1)
    total = opts["n_estimators"]
    # Four rounds at most: enough for a learning curve, few enough to stay fast.
    rounds = sorted({max(1, round(total * k / 4)) for k in range(1, 5)})
    for trees in rounds:
        forest.set_params(n_estimators=trees)
        forest.fit(x_train, y_train)
        accuracy = forest.score(x_val, y_val)
        size_kb = len(pickle.dumps(forest)) / 1024
        print(json.dumps({"step": trees, "val_accuracy": round(accuracy, 5), "model_kb": round(size_kb, 2)}), flush=True)


if __name__ == "__main__":
    main()
