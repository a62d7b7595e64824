#!/usr/bin/python3
"""The benchmark objectives of src/core/bench/problems.ts, written once more in Python.

Two jobs:
  * the Optuna side of `npm run bench:optuna` (optuna_side.py) imports them, so both tuners
    minimise the very same functions;
  * `hpstudio bench --problem svc_cancer` has no TypeScript objective: that problem trains a real
    scikit-learn model, so the CLI starts this file as a line-oriented evaluator:

        printf '{"C": 1, "gamma": 0.01, "n_components": 5}\\n' | problems.py serve svc_cancer

    reads one JSON object of parameters per input line and answers one number per output line, in
    order. A line it cannot evaluate is answered with `error: <reason>` and the server keeps going.

The synthetic objectives are plain float arithmetic in the same order as the TypeScript port, so the
two agree to the last few bits (libm's exp/cos/pow may differ from V8's by an ulp). All minimise.
Needs Debian's python3-sklearn for svc_cancer only; the rest is the standard library.
"""
import json
import math
import sys

# Math.PI of JavaScript and math.pi are the same double.
PI = math.pi


def branin(x1, x2):
    """Branin-Hoo on [-5, 10] x [0, 15]; three global minima of 0.397887..."""
    b = 5.1 / (4.0 * PI * PI)
    c = 5.0 / PI
    t = 1.0 / (8.0 * PI)
    u = x2 - b * x1 * x1 + c * x1 - 6.0
    return u * u + 10.0 * (1.0 - t) * math.cos(x1) + 10.0


# Hartmann 6-D: four Gaussian-like wells; weights, widths and centres are the textbook tables.
HARTMANN_WEIGHT = (1.0, 1.2, 3.0, 3.2)
HARTMANN_WIDTH = (
    (10.0, 3.0, 17.0, 3.5, 1.7, 8.0),
    (0.05, 10.0, 17.0, 0.1, 8.0, 14.0),
    (3.0, 3.5, 1.7, 10.0, 17.0, 8.0),
    (17.0, 8.0, 0.05, 10.0, 0.1, 14.0),
)
HARTMANN_CENTRE = (
    (0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886),
    (0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991),
    (0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650),
    (0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381),
)


def hartmann6(xs):
    total = 0.0
    for weight, widths, centre in zip(HARTMANN_WEIGHT, HARTMANN_WIDTH, HARTMANN_CENTRE):
        exponent = 0.0
        for x, w, c in zip(xs, widths, centre):
            d = x - c
            exponent += w * d * d
        total += weight * math.exp(-exponent)
    return -total


def rosenbrock(xs):
    total = 0.0
    for here, there in zip(xs, xs[1:]):
        valley = there - here * here
        offset = 1.0 - here
        total += 100.0 * valley * valley + offset * offset
    return total


def ackley(xs):
    squares = 0.0
    waves = 0.0
    for x in xs:
        squares += x * x
        waves += math.cos(2.0 * PI * x)
    n = float(len(xs))
    return -20.0 * math.exp(-0.2 * math.sqrt(squares / n)) - math.exp(waves / n) + 20.0 + math.e


# hpo_synth: a made-up tuning job. Each optimizer has its best log10(lr) and a fixed penalty; deeper
# networks want a smaller lr; dropout is best at 0.2 and interacts a little with depth.
HPO_BEST_LOG_LR = {"sgd": -1.5, "adam": -3.0, "rmsprop": -3.5}
HPO_PENALTY = {"sgd": 0.08, "adam": 0.0, "rmsprop": 0.03}


def hpo_synth(lr, n_layers, optimizer, dropout):
    if optimizer not in HPO_BEST_LOG_LR:
        raise ValueError("optimizer must be one of sgd, adam, rmsprop, got %r" % (optimizer,))
    off_lr = math.log10(lr) - (HPO_BEST_LOG_LR[optimizer] - 0.1 * (n_layers - 4))
    off_depth = float(n_layers - 4)
    off_drop = dropout - 0.2
    return (0.05 + HPO_PENALTY[optimizer] + 0.1 * off_lr * off_lr + 0.02 * off_depth * off_depth
            + 0.8 * off_drop * off_drop + 0.02 * off_depth * off_drop)


# Learning curves for pruning: loss(t) = final + height * t^-decay, t = 1..81 epochs. `steep` is how
# much the momentum-like parameter m raises early losses: 1.0 makes early epochs mislead (lc_synth),
# 0.2 keeps early rankings honest (lc_mild).
CURVE_STEEPNESS = {"lc_synth": 1.0, "lc_mild": 0.2}
CURVE_EPOCHS = 81


def curve_loss(problem, lr, m, epoch):
    u = math.log10(lr)
    final = 0.10 + 0.08 * (u + 2.5) * (u + 2.5) + 0.30 * (m - 0.7) * (m - 0.7)
    height = 0.5 + CURVE_STEEPNESS[problem] * m
    decay = 0.3 + 0.1 * (u + 4.0)
    return final + height * math.pow(float(epoch), -decay)


class CancerSVC:
    """1 - mean accuracy of StandardScaler -> PCA(k) -> RBF SVC on the breast-cancer data set,
    3-fold stratified cross-validation without shuffling (deterministic)."""

    def __init__(self):
        from sklearn.datasets import load_breast_cancer
        self.features, self.labels = load_breast_cancer(return_X_y=True)

    def __call__(self, C, gamma, n_components):
        from sklearn.decomposition import PCA
        from sklearn.model_selection import StratifiedKFold, cross_val_score
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVC
        if int(n_components) != n_components or not 1 <= n_components <= self.features.shape[1]:
            raise ValueError("n_components must be an integer in 1..%d" % self.features.shape[1])
        model = make_pipeline(StandardScaler(), PCA(n_components=int(n_components), svd_solver="full"),
                              SVC(C=C, gamma=gamma))
        scores = cross_val_score(model, self.features, self.labels, cv=StratifiedKFold(n_splits=3))
        return float(1.0 - scores.mean())


def _floats(n, low, high, log=False, prefix="x"):
    return [("float", "%s%d" % (prefix, i), low, high, log) for i in range(n)]


def _vector(params, n):
    return [params["x%d" % i] for i in range(n)]


# name -> (search space, known optimum or None, objective of a params dict). A space entry is
# ("float", name, low, high, log), ("int", name, low, high) or ("categorical", name, choices).
PROBLEMS = {
    "branin": ([("float", "x1", -5.0, 10.0, False), ("float", "x2", 0.0, 15.0, False)],
               0.397887357729738, lambda p: branin(p["x1"], p["x2"])),
    "hartmann6": (_floats(6, 0.0, 1.0), -3.32236801141551, lambda p: hartmann6(_vector(p, 6))),
    "rosenbrock4": (_floats(4, -5.0, 10.0), 0.0, lambda p: rosenbrock(_vector(p, 4))),
    "ackley5": (_floats(5, -32.768, 32.768), 0.0, lambda p: ackley(_vector(p, 5))),
    "hpo_synth": ([("float", "lr", 1e-5, 1e-1, True), ("int", "n_layers", 1, 8),
                   ("categorical", "optimizer", ["sgd", "adam", "rmsprop"]),
                   ("float", "dropout", 0.0, 0.5, False)],
                  0.05, lambda p: hpo_synth(p["lr"], p["n_layers"], p["optimizer"], p["dropout"])),
    "svc_cancer": ([("float", "C", 1e-3, 1e3, True), ("float", "gamma", 1e-5, 10.0, True),
                    ("int", "n_components", 2, 30)], None, None),
}
CURVE_SPACE = [("float", "lr", 1e-4, 1.0, True), ("float", "m", 0.0, 1.0, False)]


def objective(name):
    """The objective of a problem as a function of a params dict (svc_cancer loads its data now)."""
    if name == "svc_cancer":
        model = CancerSVC()
        return lambda p: model(p["C"], p["gamma"], p["n_components"])
    if name not in PROBLEMS:
        raise SystemExit("unknown problem %r (known: %s)" % (name, ", ".join(PROBLEMS)))
    return PROBLEMS[name][2]


def serve(name, lines, out):
    """One JSON object per line in, one number (or `error: ...`) per line out, flushed each time."""
    evaluate = objective(name)
    for line in lines:
        if not line.strip():
            continue
        try:
            params = json.loads(line)
            if not isinstance(params, dict):
                raise ValueError("expected a JSON object of parameters")
            answer = repr(float(evaluate(params)))
        except Exception as err:  # the caller gets the reason; the server stays up for the next line
            answer = "error: %s: %s" % (type(err).__name__, str(err).replace("\n", " "))
        out.write(answer + "\n")
        out.flush()


def main(argv):
    if len(argv) == 2 and argv[0] == "serve":
        serve(argv[1], sys.stdin, sys.stdout)
        return 0
    if len(argv) == 3 and argv[0] == "eval":
        print(repr(float(objective(argv[1])(json.loads(argv[2])))))
        return 0
    sys.stderr.write("usage: problems.py serve PROBLEM  |  problems.py eval PROBLEM '{json params}'\n"
                     "problems: %s\n" % ", ".join(PROBLEMS))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
