#!/usr/bin/env node
// Logistic regression by minibatch SGD on features of very uneven scales (0.1 … 10): the large features
// set how high the learning rate may go before the loss bounces up, the small ones how slowly a low rate
// learns. Prints {"step", "loss"} (full-data log loss) every report_every steps.
'use strict';
const { rng, parseArgs, train } = require('./common');

const opts = parseArgs({ lr: 0.1, steps: 1200, report_every: 20, batch: 32, seed: 1, data_seed: 7, delay_ms: 0 });
const data = rng(opts.data_seed);
const SCALES = [0.1, 0.3, 1, 1, 2, 4, 7, 10];
const D = SCALES.length;
const N = 4000;
const truth = SCALES.map(s => (data.gauss() * 1.5) / s);
const X = [];
const Y = [];
for (let i = 0; i < N; i++) {
  const x = SCALES.map(s => data.gauss() * s);
  const z = x.reduce((a, xj, j) => a + xj * truth[j], 0) + 0.3;
  X.push(x);
  Y.push(data.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
}
const w = new Array(D).fill(0);
let b = 0;
const noise = rng(opts.seed);

function logLoss(z, y) {
  // log(1 + e^z) - y·z, computed without overflow for large |z|.
  return (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
}
function loss() {
  let s = 0;
  for (let i = 0; i < N; i++) s += logLoss(X[i].reduce((a, xj, j) => a + xj * w[j], b), Y[i]);
  return s / N;
}
function step() {
  const g = new Array(D).fill(0);
  let gb = 0;
  for (let k = 0; k < opts.batch; k++) {
    const i = Math.floor(noise.next() * N);
    const z = X[i].reduce((a, xj, j) => a + xj * w[j], b);
    const d = 1 / (1 + Math.exp(-z)) - Y[i];
    for (let j = 0; j < D; j++) g[j] += d * X[i][j];
    gb += d;
  }
  for (let j = 0; j < D; j++) w[j] -= (opts.lr * g[j]) / opts.batch;
  b -= (opts.lr * gb) / opts.batch;
}

train(opts, step, loss);
