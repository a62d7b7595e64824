/**
 * Pruners: median (Optuna's MedianPruner/PercentilePruner), asynchronous successive halving
 * (Optuna's SuccessiveHalvingPruner) and Hyperband (Optuna's bracketed form, or W&B's
 * `early_terminate: {type: hyperband, min_iter | max_iter, eta, s}` milestones).
 * All are pure: rung membership is recomputed from the intermediate values in the study view
 * (a trial "reached" a rung at its first reported step ≥ the rung's resource), so a restarted
 * worker decides exactly as before.
 */
import { LrFindPruner } from '../lrfind/pruner';
import { mixSeed } from './rng';
import type { FrozenTrial, Pruner, StudyView } from './types';

export class PrunerConfigError extends Error {}

export type PrunerConfig =
  | { readonly type: 'none' }
  | ({ readonly type: 'median' } & MedianOptions)
  | ({ readonly type: 'asha' } & AshaOptions)
  | ({ readonly type: 'hyperband' } & HyperbandOptions);

export interface MedianOptions {
  readonly nStartupTrials?: number;
  readonly nWarmupSteps?: number;
  readonly intervalSteps?: number;
  readonly nMinTrials?: number;
  /** 50 = median; other values make it Optuna's PercentilePruner. */
  readonly percentile?: number;
}

export interface AshaOptions {
  readonly minResource?: number;
  /** Also accepted as `eta`. */
  readonly reductionFactor?: number;
  readonly eta?: number;
  readonly minEarlyStoppingRate?: number;
}

export interface HyperbandOptions {
  /** Optuna style: brackets between minResource and maxResource. */
  readonly minResource?: number;
  readonly maxResource?: number;
  readonly reductionFactor?: number;
  readonly eta?: number;
  /** W&B style: milestones min_iter·eta^k, or max_iter/eta^k for k = 1..s. */
  readonly minIter?: number;
  readonly maxIter?: number;
  readonly s?: number;
}

function sortedSteps(t: FrozenTrial): number[] {
  return [...t.intermediate.keys()].sort((a, b) => a - b);
}

function better(study: StudyView, a: number, b: number): boolean {
  return study.direction === 'maximize' ? a > b : a < b;
}

/** Linear-interpolated percentile (numpy's default). */
export function percentileOf(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = ((s.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export class MedianPruner implements Pruner {
  readonly name: string;
  private readonly nStartup: number;
  private readonly nWarmup: number;
  private readonly interval: number;
  private readonly nMin: number;
  private readonly percentile: number;

  constructor(opts: MedianOptions = {}) {
    this.nStartup = nonNegativeInt('n_startup_trials', opts.nStartupTrials ?? 5);
    this.nWarmup = nonNegativeInt('n_warmup_steps', opts.nWarmupSteps ?? 0);
    this.interval = positiveInt('interval_steps', opts.intervalSteps ?? 1);
    this.nMin = positiveInt('n_min_trials', opts.nMinTrials ?? 1);
    this.percentile = opts.percentile ?? 50;
    if (!(this.percentile >= 0 && this.percentile <= 100)) throw new PrunerConfigError(`percentile must be within [0, 100], got ${opts.percentile}`);
    this.name = this.percentile === 50 ? 'median' : `percentile(${this.percentile})`;
  }

  shouldPrune(study: StudyView, trial: FrozenTrial, step: number): boolean {
    const completed = study.trials.filter(t => t.state === 'complete' && t.number !== trial.number);
    if (completed.length === 0 || completed.length < this.nStartup) return false;
    if (step < this.nWarmup) return false;
    // Only the first report at or after each interval boundary is judged (interval_steps).
    const nearestLower = Math.floor((step - this.nWarmup) / this.interval) * this.interval + this.nWarmup;
    const earlier = sortedSteps(trial).filter(s => s < step);
    const secondLast = earlier.length ? earlier[earlier.length - 1] : -1;
    if (!(secondLast < nearestLower)) return false;
    // The trial's best value so far (Optuna compares the best intermediate, not the latest).
    let best: number | undefined;
    for (const [s, v] of trial.intermediate) {
      if (s > step) continue;
      if (Number.isNaN(v)) return true;
      if (best === undefined || better(study, v, best)) best = v;
    }
    if (best === undefined) return false;
    const others: number[] = [];
    for (const t of completed) {
      const v = t.intermediate.get(step);
      if (v !== undefined && !Number.isNaN(v)) others.push(v);
    }
    if (others.length < this.nMin) return false;
    if (study.direction === 'maximize') return best < percentileOf(others, 100 - this.percentile);
    return best > percentileOf(others, this.percentile);
  }
}

/** Value a trial recorded at a rung: its first reported value at a step ≥ the rung's resource. */
function rungValue(t: FrozenTrial, resource: number, upToStep = Infinity): number | undefined {
  let bestStep = Infinity;
  let value: number | undefined;
  for (const [s, v] of t.intermediate) {
    if (s >= resource && s <= upToStep && s < bestStep) {
      bestStep = s;
      value = v;
    }
  }
  return value;
}

/**
 * Successive halving over rungs `resources`: when a trial first reaches a rung it is kept only if
 * it ranks in the top 1/eta of every trial that reached that rung so far (Optuna's rule: the
 * ⌊n/eta⌋-th best value, or the best when fewer than eta trials competed).
 */
function successiveHalving(
  study: StudyView,
  trial: FrozenTrial,
  step: number,
  resources: readonly number[],
  eta: number,
  peers: (t: FrozenTrial) => boolean,
  rule: 'rank' | 'quantile',
): boolean {
  const value = trial.intermediate.get(step);
  if (value === undefined) return false;
  const previous = sortedSteps(trial).filter(s => s < step);
  const prevStep = previous.length ? previous[previous.length - 1] : -Infinity;
  for (const resource of resources) {
    if (resource > step) break;
    if (prevStep >= resource) continue; // this rung was judged at an earlier report
    if (Number.isNaN(value)) return true;
    const competing: number[] = [value];
    for (const t of study.trials) {
      if (t.number === trial.number || !peers(t)) continue;
      const v = rungValue(t, resource);
      if (v !== undefined && !Number.isNaN(v)) competing.push(v);
    }
    const sign = study.direction === 'maximize' ? -1 : 1;
    const sorted = competing.map(v => sign * v).sort((a, b) => a - b);
    const mine = sign * value;
    let threshold: number;
    if (rule === 'rank') {
      let idx = Math.floor(sorted.length / eta) - 1;
      if (idx < 0) idx = 0;
      threshold = sorted[idx];
    } else {
      threshold = sorted.length === 1 ? sorted[0] : percentileOf(sorted, 100 / eta);
    }
    if (mine > threshold) return true;
  }
  return false;
}

export class AshaPruner implements Pruner {
  readonly name = 'asha';
  readonly minResource: number;
  readonly eta: number;
  readonly minEarlyStoppingRate: number;

  constructor(opts: AshaOptions = {}) {
    this.minResource = positive('min_resource', opts.minResource ?? 1);
    this.eta = etaOf(opts);
    this.minEarlyStoppingRate = nonNegativeInt('min_early_stopping_rate', opts.minEarlyStoppingRate ?? 0);
  }

  /** Rung resources up to `step`: min_resource · eta^(rate + k). */
  rungs(step: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < 64; k++) {
      const r = this.minResource * Math.pow(this.eta, this.minEarlyStoppingRate + k);
      if (r > step) break;
      out.push(r);
    }
    return out;
  }

  shouldPrune(study: StudyView, trial: FrozenTrial, step: number): boolean {
    return successiveHalving(study, trial, step, this.rungs(step), this.eta, () => true, 'rank');
  }
}

export class HyperbandPruner implements Pruner {
  readonly name = 'hyperband';
  readonly eta: number;
  /** W&B milestones, when configured W&B-style. */
  readonly milestones: readonly number[] | undefined;
  /** Optuna-style brackets: one ASHA per early-stopping rate, with trial-allocation budgets. */
  readonly brackets: readonly { rate: number; budget: number }[];
  readonly minResource: number;
  readonly maxResource: number;

  constructor(opts: HyperbandOptions = {}) {
    const wandbStyle = opts.minIter !== undefined || opts.maxIter !== undefined;
    // W&B's schema takes any eta > 1 (its bands are truncated to whole steps); Optuna's reduction factor is ≥ 2.
    this.eta = etaOf(opts, wandbStyle ? 'above-1' : 'at-least-2');
    if (wandbStyle) {
      // W&B (sweeps' hyperband_stopping.py): bands int(min_iter·eta^k), k ≥ 0 (only those below max_iter
      // matter), or int(max_iter/eta^k) for k = 1..s while that is ≥ 1.
      const milestones = new Set<number>();
      if (opts.minIter !== undefined) {
        const min = positive('min_iter', opts.minIter);
        const max = opts.maxIter !== undefined ? positive('max_iter', opts.maxIter) : Infinity;
        for (let k = 0; k < 100; k++) {
          const m = Math.trunc(min * Math.pow(this.eta, k));
          if (m >= max || (max === Infinity && k >= 40)) break;
          milestones.add(m);
        }
      } else {
        const max = positive('max_iter', opts.maxIter!);
        const s = positiveInt('s', opts.s ?? 0, 'with max_iter, W&B hyperband needs s ≥ 1 (the number of brackets)');
        let band = max;
        for (let k = 0; k < s; k++) {
          band /= this.eta;
          if (band < 1) break;
          milestones.add(Math.trunc(band));
        }
      }
      if (milestones.size === 0) throw new PrunerConfigError(opts.minIter !== undefined ? 'hyperband: min_iter must be below max_iter' : 'hyperband: max_iter/eta is below 1, so there is no band to stop runs at; raise max_iter or lower eta');
      this.milestones = [...milestones].sort((a, b) => a - b);
      this.minResource = this.milestones[0];
      this.maxResource = opts.maxIter ?? Infinity;
      this.brackets = [];
      return;
    }
    this.milestones = undefined;
    this.minResource = positive('min_resource', opts.minResource ?? 1);
    this.maxResource = positive('max_resource', opts.maxResource ?? 81);
    if (this.maxResource < this.minResource) throw new PrunerConfigError(`hyperband: max_resource (${this.maxResource}) is below min_resource (${this.minResource})`);
    const nBrackets = Math.floor(Math.log(this.maxResource / this.minResource) / Math.log(this.eta) + 1e-9) + 1;
    const sMax = nBrackets - 1;
    // Li et al.: bracket s (s rungs of elimination) starts n = ⌈(s_max+1)/(s+1)·η^s⌉ trials.
    this.brackets = Array.from({ length: nBrackets }, (_, rate) => {
      const s = sMax - rate;
      return { rate, budget: Math.ceil(((sMax + 1) / (s + 1)) * Math.pow(this.eta, s)) };
    });
  }

  /** Bracket of a trial: a hash of its number, spread by the brackets' trial budgets. */
  bracketOf(trialNumber: number): number {
    const total = this.brackets.reduce((a, b) => a + b.budget, 0);
    let r = mixSeed(trialNumber, 0x4842) % total;
    for (let i = 0; i < this.brackets.length; i++) {
      if (r < this.brackets[i].budget) return i;
      r -= this.brackets[i].budget;
    }
    return this.brackets.length - 1;
  }

  shouldPrune(study: StudyView, trial: FrozenTrial, step: number): boolean {
    if (this.milestones) {
      const rungs = this.milestones.filter(m => m <= step);
      return successiveHalving(study, trial, step, rungs, this.eta, () => true, 'quantile');
    }
    const bracket = this.bracketOf(trial.number);
    const rate = this.brackets[bracket].rate;
    const rungs: number[] = [];
    for (let k = 0; k < 64; k++) {
      const r = this.minResource * Math.pow(this.eta, rate + k);
      if (r > step || r >= this.maxResource) break;
      rungs.push(r);
    }
    return successiveHalving(study, trial, step, rungs, this.eta, t => this.bracketOf(t.number) === bracket, 'rank');
  }
}

function etaOf(opts: { reductionFactor?: number; eta?: number }, rule: 'above-1' | 'at-least-2' = 'at-least-2'): number {
  const eta = opts.reductionFactor ?? opts.eta ?? 3;
  if (typeof eta !== 'number' || !Number.isFinite(eta)) throw new PrunerConfigError(`reduction factor (eta) must be a number, got ${String(eta)}`);
  if (rule === 'above-1' && !(eta > 1)) throw new PrunerConfigError(`eta must be greater than 1, got ${eta}`);
  if (rule === 'at-least-2' && eta < 2) throw new PrunerConfigError(`reduction factor (eta) must be a number ≥ 2 (as Optuna's), got ${eta}; W&B-style early_terminate with min_iter/max_iter takes any eta > 1`);
  return eta;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new PrunerConfigError(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(name: string, v: unknown, message?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new PrunerConfigError(message ?? `${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function nonNegativeInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PrunerConfigError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads camelCase or snake_case keys (study files are YAML written by people). */
function pick(config: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (config[k] !== undefined) return config[k];
  return undefined;
}

/**
 * Builds a pruner from a study-file style config; `none` gives undefined. Accepts W&B's
 * `early_terminate` keys (min_iter, max_iter, eta, s) and Optuna's (min_resource, max_resource,
 * reduction_factor, n_startup_trials, n_warmup_steps, interval_steps).
 */
export function createPruner(config: { readonly type: string; readonly [key: string]: unknown }): Pruner | undefined {
  if (!config || typeof config !== 'object') throw new PrunerConfigError('pruner config must be an object with a "type"');
  const c = config as Record<string, unknown>;
  const num = (...keys: string[]) => {
    const v = pick(c, ...keys);
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new PrunerConfigError(`${keys[keys.length - 1]} must be a number, got ${JSON.stringify(v)}`);
    return n;
  };
  switch (String(config.type).toLowerCase()) {
    case 'none':
    case 'nop':
      return undefined;
    case 'median':
    case 'percentile':
      return new MedianPruner({
        nStartupTrials: num('nStartupTrials', 'n_startup_trials'),
        nWarmupSteps: num('nWarmupSteps', 'n_warmup_steps'),
        intervalSteps: num('intervalSteps', 'interval_steps'),
        nMinTrials: num('nMinTrials', 'n_min_trials'),
        percentile: num('percentile'),
      });
    case 'asha':
    case 'sha':
    case 'successive_halving':
      return new AshaPruner({
        minResource: num('minResource', 'min_resource', 'minIter', 'min_iter'),
        reductionFactor: num('reductionFactor', 'reduction_factor', 'eta'),
        minEarlyStoppingRate: num('minEarlyStoppingRate', 'min_early_stopping_rate'),
      });
    case 'hyperband':
      return new HyperbandPruner({
        minResource: num('minResource', 'min_resource'),
        maxResource: num('maxResource', 'max_resource'),
        reductionFactor: num('reductionFactor', 'reduction_factor', 'eta'),
        minIter: num('minIter', 'min_iter'),
        maxIter: num('maxIter', 'max_iter'),
        s: num('s'),
      });
    case 'lr-find':
      // The learning-rate finder's own rules: a trial's stream said enough (src/core/lrfind/stream.ts).
      try {
        return new LrFindPruner({ maxReports: num('maxReports', 'max_reports'), minReports: num('minReports', 'min_reports'), divergence: num('divergence'), levelled: num('levelled') });
      } catch (err) {
        throw new PrunerConfigError(`lr-find: ${(err as Error).message}`);
      }
    default:
      throw new PrunerConfigError(`unknown pruner type "${String(config.type)}" (known: none, median, asha, hyperband, lr-find)`);
  }
}
