/**
 * Benchmark problems, minimised by our samplers here and by Optuna in test/bench/optuna/problems.py
 * (the side-by-side benchmark). Each is scalar float64 arithmetic in one fixed evaluation order, so
 * the two ports agree to the last bits (only libm exp/cos/pow may differ by an ulp); unit tests check
 * them against exact values (test/fixtures/bench/testvectors.json).
 */
import type { ParamValue, SearchSpace } from '../search/types';
import { categoricalParam, floatParam, intParam } from '../search/space';

export type Params = Readonly<Record<string, ParamValue>>;

export interface BenchProblem {
  readonly name: string;
  readonly space: SearchSpace;
  /** Known optimum (or best value ever observed), for simple regret. */
  readonly fStar: number;
  /** Synthetic problems evaluate in-process; `svc_cancer` needs an external evaluator. */
  readonly evaluate?: (p: Params) => number;
}

export interface LearningCurveProblem {
  readonly name: 'lc_synth' | 'lc_mild';
  readonly space: SearchSpace;
  readonly fStar: number;
  readonly maxEpoch: number;
  /** Loss after epoch `t` (1-based); the objective is lossAt(p, maxEpoch). */
  lossAt(p: Params, t: number): number;
}

const PI = Math.PI;

function num(p: Params, name: string): number {
  const v = p[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`parameter "${name}" must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

const BR_B = 5.1 / (4.0 * PI * PI);
const BR_C = 5.0 / PI;
const BR_T = 1.0 / (8.0 * PI);

export function branin(p: Params): number {
  const x1 = num(p, 'x1');
  const x2 = num(p, 'x2');
  const u = x2 - BR_B * x1 * x1 + BR_C * x1 - 6.0;
  return u * u + 10.0 * (1.0 - BR_T) * Math.cos(x1) + 10.0;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
  [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
  [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
  [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

export function hartmann6(p: Params): number {
  const x = [0, 1, 2, 3, 4, 5].map(j => num(p, `x${j}`));
  let outer = 0.0;
  for (let i = 0; i < 4; i++) {
    let inner = 0.0;
    for (let j = 0; j < 6; j++) {
      const d = x[j] - H6_P[i][j];
      inner += H6_A[i][j] * d * d;
    }
    outer += H6_ALPHA[i] * Math.exp(-inner);
  }
  return -outer;
}

export function rosenbrock4(p: Params): number {
  const x = [0, 1, 2, 3].map(j => num(p, `x${j}`));
  let s = 0.0;
  for (let i = 0; i < 3; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1.0 - x[i];
    s += 100.0 * a * a + b * b;
  }
  return s;
}

export function ackley5(p: Params): number {
  let s1 = 0.0;
  let s2 = 0.0;
  for (let j = 0; j < 5; j++) {
    const v = num(p, `x${j}`);
    s1 += v * v;
    s2 += Math.cos(2.0 * PI * v);
  }
  return -20.0 * Math.exp(-0.2 * Math.sqrt(s1 / 5.0)) - Math.exp(s2 / 5.0) + 20.0 + Math.E;
}

const HS_U: Record<string, number> = { sgd: -1.5, adam: -3.0, rmsprop: -3.5 };
const HS_OFF: Record<string, number> = { sgd: 0.08, adam: 0.0, rmsprop: 0.03 };

export function hpoSynth(p: Params): number {
  const opt = p.optimizer;
  if (typeof opt !== 'string' || !(opt in HS_U)) throw new Error(`parameter "optimizer" must be sgd, adam or rmsprop, got ${JSON.stringify(opt)}`);
  const nl = num(p, 'n_layers');
  const u = Math.log10(num(p, 'lr'));
  const du = u - (HS_U[opt] - 0.1 * (nl - 4));
  const dl = nl - 4;
  const dd = num(p, 'dropout') - 0.2;
  return 0.05 + HS_OFF[opt] + 0.1 * du * du + 0.02 * dl * dl + 0.8 * dd * dd + 0.02 * dl * dd;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export const PROBLEMS: Readonly<Record<string, BenchProblem>> = {
  branin: { name: 'branin', fStar: 0.397887357729738, evaluate: branin, space: { params: [floatParam('x1', -5, 10), floatParam('x2', 0, 15)] } },
  hartmann6: { name: 'hartmann6', fStar: -3.32236801141551, evaluate: hartmann6, space: { params: range(6).map(j => floatParam(`x${j}`, 0, 1)) } },
  rosenbrock4: { name: 'rosenbrock4', fStar: 0, evaluate: rosenbrock4, space: { params: range(4).map(j => floatParam(`x${j}`, -5, 10)) } },
  ackley5: { name: 'ackley5', fStar: 0, evaluate: ackley5, space: { params: range(5).map(j => floatParam(`x${j}`, -32.768, 32.768)) } },
  hpo_synth: {
    name: 'hpo_synth',
    fStar: 0.05,
    evaluate: hpoSynth,
    space: { params: [floatParam('lr', 1e-5, 1e-1, { log: true }), intParam('n_layers', 1, 8), categoricalParam('optimizer', ['sgd', 'adam', 'rmsprop']), floatParam('dropout', 0, 0.5)] },
  },
  svc_cancer: {
    name: 'svc_cancer',
    fStar: 0.01931681054488077,
    space: { params: [floatParam('C', 1e-3, 1e3, { log: true }), floatParam('gamma', 1e-5, 10, { log: true }), intParam('n_components', 2, 30)] },
  },
};

const LC_KM = { lc_synth: 1.0, lc_mild: 0.2 } as const;
const LC_F_STAR = { lc_synth: 0.24044152217941256, lc_mild: 0.1837673943210673 } as const;

function learningCurve(name: 'lc_synth' | 'lc_mild'): LearningCurveProblem {
  const km = LC_KM[name];
  return {
    name,
    fStar: LC_F_STAR[name],
    maxEpoch: 81,
    space: { params: [floatParam('lr', 1e-4, 1.0, { log: true }), floatParam('m', 0, 1)] },
    lossAt(p: Params, t: number): number {
      if (!Number.isInteger(t) || t < 1) throw new Error(`epoch must be a positive integer, got ${t}`);
      const u = Math.log10(num(p, 'lr'));
      const m = num(p, 'm');
      const final = 0.1 + 0.08 * (u + 2.5) * (u + 2.5) + 0.3 * (m - 0.7) * (m - 0.7);
      const a = 0.5 + km * m;
      const b = 0.3 + 0.1 * (u + 4.0);
      return final + a * Math.pow(t, -b);
    },
  };
}

export const LC_PROBLEMS: Readonly<Record<'lc_synth' | 'lc_mild', LearningCurveProblem>> = {
  lc_synth: learningCurve('lc_synth'),
  lc_mild: learningCurve('lc_mild'),
};

// --- multi-objective problems --------------------------------------------------------------------

/** A minimised multi-objective problem, scored by the hypervolume its trials dominate below `reference`. */
export interface MultiObjectiveProblem {
  readonly name: 'zdt1' | 'zdt2' | 'dtlz2';
  readonly space: SearchSpace;
  readonly reference: readonly number[];
  /** Hypervolume of the true Pareto front under `reference` (the most any sampler can reach). */
  readonly bestHypervolume: number;
  evaluate(p: Params): number[];
}

function unitVector(p: Params, n: number): number[] {
  return range(n).map(j => num(p, `x${j}`));
}

/** ZDT1 (Zitzler, Deb, Thiele 2000), n variables in [0, 1]: a convex front f2 = 1 − √f1 where x1…x(n−1) = 0. */
export function zdt1(p: Params, n = 30): number[] {
  const x = unitVector(p, n);
  let s = 0.0;
  for (let i = 1; i < n; i++) s += x[i];
  const g = 1.0 + (9.0 * s) / (n - 1);
  return [x[0], g * (1.0 - Math.sqrt(x[0] / g))];
}

/** ZDT2: the same g, a concave front f2 = 1 − f1². */
export function zdt2(p: Params, n = 30): number[] {
  const x = unitVector(p, n);
  let s = 0.0;
  for (let i = 1; i < n; i++) s += x[i];
  const g = 1.0 + (9.0 * s) / (n - 1);
  const r = x[0] / g;
  return [x[0], g * (1.0 - r * r)];
}

/** DTLZ2 (Deb, Thiele, Laumanns, Zitzler 2002) with 3 objectives and n variables: the front is the unit sphere's positive octant, where x3…xn = 0.5. */
export function dtlz2(p: Params, n = 12): number[] {
  const x = unitVector(p, n);
  let g = 0.0;
  for (let i = 2; i < n; i++) g += (x[i] - 0.5) * (x[i] - 0.5);
  const a = x[0] * (PI / 2);
  const b = x[1] * (PI / 2);
  return [(1.0 + g) * Math.cos(a) * Math.cos(b), (1.0 + g) * Math.cos(a) * Math.sin(b), (1.0 + g) * Math.sin(a)];
}

const unitSpace = (n: number): SearchSpace => ({ params: range(n).map(j => floatParam(`x${j}`, 0, 1)) });

export const MO_PROBLEMS: Readonly<Record<'zdt1' | 'zdt2' | 'dtlz2', MultiObjectiveProblem>> = {
  // Fronts under the reference: 121 − ∫(1 − √x) = 121 − 1/3; 121 − ∫(1 − x²) = 121 − 2/3; 2.5³ − π/6.
  zdt1: { name: 'zdt1', space: unitSpace(30), reference: [11, 11], bestHypervolume: 121 - 1 / 3, evaluate: p => zdt1(p) },
  zdt2: { name: 'zdt2', space: unitSpace(30), reference: [11, 11], bestHypervolume: 121 - 2 / 3, evaluate: p => zdt2(p) },
  dtlz2: { name: 'dtlz2', space: unitSpace(12), reference: [2.5, 2.5, 2.5], bestHypervolume: 2.5 ** 3 - PI / 6, evaluate: p => dtlz2(p) },
};

export function getProblem(name: string): BenchProblem {
  const p = PROBLEMS[name];
  if (!p) throw new Error(`unknown problem "${name}" (known: ${[...Object.keys(PROBLEMS), ...Object.keys(LC_PROBLEMS), ...Object.keys(MO_PROBLEMS)].join(', ')})`);
  return p;
}
