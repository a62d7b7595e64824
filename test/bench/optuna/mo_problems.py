#!/usr/bin/python3
"""The multi-objective benchmark problems of src/core/bench/problems.ts (MO_PROBLEMS), once more in
Python, so Optuna minimises the very same functions (same float operations in the same order).

ZDT1 and ZDT2 (Zitzler, Deb, Thiele 2000) take 30 variables in [0, 1]; DTLZ2 (Deb, Thiele,
Laumanns, Zitzler 2002) takes 12 and has three objectives. Every objective is minimised. Each entry
of PROBLEMS is (number of variables, objective, reference point of the hypervolume).
"""
import math


def zdt(xs, concave):
    n = len(xs)
    s = 0.0
    for x in xs[1:]:
        s += x
    g = 1.0 + 9.0 * s / (n - 1)
    if concave:
        r = xs[0] / g
        return [xs[0], g * (1.0 - r * r)]
    return [xs[0], g * (1.0 - math.sqrt(xs[0] / g))]


def dtlz2(xs):
    g = 0.0
    for x in xs[2:]:
        g += (x - 0.5) * (x - 0.5)
    a = xs[0] * (math.pi / 2)
    b = xs[1] * (math.pi / 2)
    return [(1.0 + g) * math.cos(a) * math.cos(b), (1.0 + g) * math.cos(a) * math.sin(b), (1.0 + g) * math.sin(a)]


PROBLEMS = {
    "zdt1": (30, lambda xs: zdt(xs, False), (11.0, 11.0)),
    "zdt2": (30, lambda xs: zdt(xs, True), (11.0, 11.0)),
    "dtlz2": (12, dtlz2, (2.5, 2.5, 2.5)),
}
