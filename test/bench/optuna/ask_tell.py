#!/usr/bin/python3
"""Optuna driven over a pipe, one JSON object per line each way (Debian's python3-optuna).

The caller (src/cli/bench/optunaAskTell.ts) owns the study loop, so it can run Optuna under the very
same simulated parallel schedule as our samplers: it asks for several trials before telling any
result, and Optuna sees the asked-but-untold trials as RUNNING, exactly as with parallel workers.

  {"op": "study", "sampler": "tpe", "seed": 0, "space": [...]}  -> {"ok": true}
  {"op": "ask"}                                                  -> {"number": 0, "params": {...}}
  {"op": "tell", "number": 0, "value": 1.5}                      -> {"ok": true}

A space entry is {"name", "type": "float"|"int"|"categorical", "low", "high", "log", "step", "choices"}.
Samplers: tpe, tpe_cl (TPE with constant_liar=True, Optuna's setting for parallel workers), tpe_mv,
tpe_mv_cl, cmaes, qmc, random. Every sampler gets the study's seed. Errors answer {"error": text}.
"""
import json
import sys
import warnings


def load_optuna():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # experimental-feature warnings (constant_liar, qmc, multivariate)
    return optuna


def make_sampler(optuna, name, seed):
    s = optuna.samplers
    factories = {
        "random": lambda: s.RandomSampler(seed=seed),
        "tpe": lambda: s.TPESampler(seed=seed),
        "tpe_cl": lambda: s.TPESampler(seed=seed, constant_liar=True),
        "tpe_mv": lambda: s.TPESampler(seed=seed, multivariate=True),
        "tpe_mv_cl": lambda: s.TPESampler(seed=seed, multivariate=True, constant_liar=True),
        "cmaes": lambda: s.CmaEsSampler(seed=seed),
        "qmc": lambda: s.QMCSampler(qmc_type="sobol", scramble=True, seed=seed),
    }
    if name not in factories:
        raise ValueError("unknown sampler %r (known: %s)" % (name, ", ".join(factories)))
    return factories[name]()


def distributions(optuna, space):
    d = optuna.distributions
    out = {}
    for p in space:
        kind = p["type"]
        if kind == "float":
            out[p["name"]] = d.FloatDistribution(p["low"], p["high"], log=bool(p.get("log")), step=p.get("step"))
        elif kind == "int":
            out[p["name"]] = d.IntDistribution(int(p["low"]), int(p["high"]), log=bool(p.get("log")), step=int(p.get("step") or 1))
        elif kind == "categorical":
            out[p["name"]] = d.CategoricalDistribution(p["choices"])
        else:
            raise ValueError("unknown parameter type %r" % kind)
    return out


class Session:
    def __init__(self, optuna):
        self.optuna = optuna
        self.study = None
        self.dists = None
        self.trials = {}

    def handle(self, msg):
        op = msg.get("op")
        if op == "study":
            sampler = make_sampler(self.optuna, msg["sampler"], int(msg["seed"]))
            self.study = self.optuna.create_study(direction="minimize", sampler=sampler)
            self.dists = distributions(self.optuna, msg["space"])
            self.trials = {}
            return {"ok": True}
        if self.study is None:
            raise ValueError("no study: send {\"op\": \"study\"} first")
        if op == "ask":
            trial = self.study.ask(self.dists)
            self.trials[trial.number] = trial
            return {"number": trial.number, "params": trial.params}
        if op == "tell":
            self.study.tell(self.trials.pop(int(msg["number"])), float(msg["value"]))
            return {"ok": True}
        raise ValueError("unknown op %r" % op)


def main():
    session = Session(load_optuna())
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = session.handle(json.loads(line))
        except Exception as err:  # one bad request must not end the session
            answer = {"error": "%s: %s" % (type(err).__name__, err)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
