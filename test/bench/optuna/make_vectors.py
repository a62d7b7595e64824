#!/usr/bin/python3
"""Writes test/fixtures/bench/testvectors.json: points of every synthetic benchmark problem with the
exact value of the objective there, for test/unit/bench/problems.test.ts.

The values do not come from any float implementation (neither ours nor problems.py): every formula is
evaluated here in 50-digit decimal arithmetic (Python's `decimal`; cos by its Taylor series after
reducing the argument) on the exact binary value of each input, then rounded to the nearest double.
A float evaluation in any language can then be judged by its distance from the true value. Each point
also carries `scale`, the sum of the absolute values of the terms added up at the end: rounding errors
of a float evaluation are a few ulps of that sum (cancellation makes them large relative to the value).

The points are the known optima and pseudo-random points from random.Random(SEED), drawn uniformly
(log-uniformly for log ranges) from each problem's box. The learning-curve optima are found with scipy
(L-BFGS-B from a grid of starts, polished by Nelder-Mead) and written along.

    /usr/bin/python3 test/bench/optuna/make_vectors.py > test/fixtures/bench/testvectors.json
"""
import decimal
import json
import math
import random
import sys
from decimal import Decimal as D

decimal.getcontext().prec = 50
SEED = 20261206
POINTS_PER_PROBLEM = 10
# pi to 60 digits (for reducing cosine arguments; the formulas themselves use the double Math.PI).
TRUE_PI = D("3.141592653589793238462643383279502884197169399375105820974944")
DOUBLE_PI = D(math.pi)  # exact binary value of the double


def cos(x):
    x = D(x) % (2 * TRUE_PI)
    term = D(1)
    total = D(1)
    k = 0
    while abs(term) > D("1e-60"):
        k += 2
        term = -term * x * x / (k * (k - 1))
        total += term
    return total


def log10(x):
    return D(x).log10()


def power(base, exponent):
    return (D(exponent) * D(base).ln()).exp()


def branin(p):
    x1, x2 = D(p["x1"]), D(p["x2"])
    b = D("5.1") / (4 * DOUBLE_PI * DOUBLE_PI)
    c = 5 / DOUBLE_PI
    t = 1 / (8 * DOUBLE_PI)
    u = x2 - b * x1 * x1 + c * x1 - 6
    terms = [u * u, 10 * (1 - t) * cos(x1), D(10)]
    return terms


WEIGHT = ["1.0", "1.2", "3.0", "3.2"]
WIDTH = [["10", "3", "17", "3.5", "1.7", "8"], ["0.05", "10", "17", "0.1", "8", "14"],
         ["3", "3.5", "1.7", "10", "17", "8"], ["17", "8", "0.05", "10", "0.1", "14"]]
CENTRE = [["0.1312", "0.1696", "0.5569", "0.0124", "0.8283", "0.5886"],
          ["0.2329", "0.4135", "0.8307", "0.3736", "0.1004", "0.9991"],
          ["0.2348", "0.1451", "0.3522", "0.2883", "0.3047", "0.6650"],
          ["0.4047", "0.8828", "0.8732", "0.5743", "0.1091", "0.0381"]]


def hartmann6(p):
    terms = []
    for i in range(4):
        s = sum(D(WIDTH[i][j]) * (D(p["x%d" % j]) - D(CENTRE[i][j])) ** 2 for j in range(6))
        terms.append(-D(WEIGHT[i]) * (-s).exp())
    return terms


def rosenbrock4(p):
    x = [D(p["x%d" % j]) for j in range(4)]
    terms = []
    for i in range(3):
        terms += [100 * (x[i + 1] - x[i] * x[i]) ** 2, (1 - x[i]) ** 2]
    return terms


def ackley5(p):
    x = [D(p["x%d" % j]) for j in range(5)]
    squares = sum(v * v for v in x)
    waves = sum(cos(2 * DOUBLE_PI * v) for v in x)
    return [-20 * (D("-0.2") * (squares / 5).sqrt()).exp(), -(waves / 5).exp(), D(20), D(1).exp()]


BEST_LOG_LR = {"sgd": D("-1.5"), "adam": D("-3.0"), "rmsprop": D("-3.5")}
PENALTY = {"sgd": D("0.08"), "adam": D(0), "rmsprop": D("0.03")}


def hpo_synth(p):
    depth = D(p["n_layers"]) - 4
    off_lr = log10(p["lr"]) - (BEST_LOG_LR[p["optimizer"]] - D("0.1") * depth)
    off_drop = D(p["dropout"]) - D("0.2")
    return [D("0.05"), PENALTY[p["optimizer"]], D("0.1") * off_lr * off_lr, D("0.02") * depth * depth,
            D("0.8") * off_drop * off_drop, D("0.02") * depth * off_drop]


STEEPNESS = {"lc_synth": D(1), "lc_mild": D("0.2")}


def curve(problem, lr, m, epoch):
    u = log10(lr)
    m = D(m)
    final = [D("0.10"), D("0.08") * (u + D("2.5")) ** 2, D("0.30") * (m - D("0.7")) ** 2]
    height = D("0.5") + STEEPNESS[problem] * m
    decay = D("0.3") + D("0.1") * (u + 4)
    return final + [height * power(epoch, -decay)]


SPACES = {
    "branin": [("x1", -5.0, 10.0, False), ("x2", 0.0, 15.0, False)],
    "hartmann6": [("x%d" % j, 0.0, 1.0, False) for j in range(6)],
    "rosenbrock4": [("x%d" % j, -5.0, 10.0, False) for j in range(4)],
    "ackley5": [("x%d" % j, -32.768, 32.768, False) for j in range(5)],
    "hpo_synth": [("lr", 1e-5, 1e-1, True), ("n_layers", 1, 8, "int"),
                  ("optimizer", ["sgd", "adam", "rmsprop"], None, "choice"), ("dropout", 0.0, 0.5, False)],
}
OPTIMA = {
    "branin": [{"x1": -math.pi, "x2": 12.275}, {"x1": math.pi, "x2": 2.275}, {"x1": 9.42478, "x2": 2.475}],
    "hartmann6": [{"x%d" % j: v for j, v in enumerate([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])}],
    "rosenbrock4": [{"x%d" % j: 1.0 for j in range(4)}],
    "ackley5": [{"x%d" % j: 0.0 for j in range(5)}],
    "hpo_synth": [{"lr": 1e-3, "n_layers": 4, "optimizer": "adam", "dropout": 0.2}],
}
FORMULAS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock4": rosenbrock4, "ackley5": ackley5,
            "hpo_synth": hpo_synth}


def draw(rng, space):
    point = {}
    for name, low, high, kind in space:
        if kind == "int":
            point[name] = rng.randint(low, high)
        elif kind == "choice":
            point[name] = rng.choice(low)
        elif kind:
            point[name] = 10.0 ** rng.uniform(math.log10(low), math.log10(high))
        else:
            point[name] = rng.uniform(low, high)
    return point


def record(terms, **fields):
    fields["value"] = float(sum(terms))
    fields["scale"] = float(sum(abs(t) for t in terms))
    return fields


def curve_optimum(problem):
    import numpy as np
    from scipy.optimize import minimize
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import problems as float_problems
    loss = lambda z: float_problems.curve_loss(problem, 10.0 ** z[0], z[1], 81)  # noqa: E731
    starts = [(u, m) for u in np.linspace(-4.0, 0.0, 9) for m in np.linspace(0.0, 1.0, 6)]
    fits = [minimize(loss, s, method="L-BFGS-B", bounds=[(-4.0, 0.0), (0.0, 1.0)]) for s in starts]
    best = min(fits, key=lambda r: r.fun)
    polished = minimize(loss, best.x, method="Nelder-Mead", options={"xatol": 1e-13, "fatol": 1e-17, "maxiter": 20000})
    x = polished.x if polished.fun < best.fun else best.x
    lr, m = 10.0 ** float(x[0]), float(x[1])
    return record(curve(problem, lr, m, 81), lr=lr, m=m, epoch=81)


def main():
    rng = random.Random(SEED)
    out = {"_about": "Exact objective values (50-digit decimal arithmetic) at fixed points; written by "
                     "test/bench/optuna/make_vectors.py, which explains how. Compare a float evaluation "
                     "with |float - value| <= tolerance * scale."}
    for name, formula in FORMULAS.items():
        points = OPTIMA[name] + [draw(rng, SPACES[name]) for _ in range(POINTS_PER_PROBLEM)]
        out[name] = [record(formula(p), params=p) for p in points]
    for problem in ("lc_synth", "lc_mild"):
        rows = []
        for _ in range(POINTS_PER_PROBLEM):
            lr, m = 10.0 ** rng.uniform(-4.0, 0.0), rng.uniform(0.0, 1.0)
            rows += [record(curve(problem, lr, m, t), lr=lr, m=m, epoch=t) for t in (1, 2, 5, 20, 81)]
        out[problem] = rows
        out[problem + "_optimum"] = curve_optimum(problem)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
