#!/usr/bin/env node
// The noisy quadratic model: loss ½ Σ h_i x_i² with curvatures h_i from 1e-3 to 1 and gradient noise of
// variance σ² h_i per coordinate. A high rate reaches the bottom fast but rattles around it (a noise floor
// growing with the rate) and diverges above 2 / max h; a low rate never gets the flat directions down.
// Prints {"step", "loss"} (the exact loss, no noise) every report_every steps.
'use strict';
const { rng, parseArgs, train } = require('./common');

const opts = parseArgs({ lr: 0.5, steps: 1000, report_every: 20, dim: 100, sigma: 0.6, seed: 1, data_seed: 3, delay_ms: 0 });
const D = opts.dim;
const data = rng(opts.data_seed);
const curv = Array.from({ length: D }, (_, i) => 10 ** (-3 + (3 * i) / (D - 1)));
const x = Array.from({ length: D }, () => data.gauss() * 2);
const noise = rng(opts.seed);

function loss() {
  let s = 0;
  for (let i = 0; i < D; i++) s += 0.5 * curv[i] * x[i] * x[i];
  return s;
}
function step() {
  for (let i = 0; i < D; i++) x[i] -= opts.lr * (curv[i] * x[i] + opts.sigma * Math.sqrt(curv[i]) * noise.gauss());
}

train(opts, step, loss);
