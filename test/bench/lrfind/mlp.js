#!/usr/bin/env node
// A small MLP (2 → 32 tanh → 1) fitted by minibatch SGD with momentum 0.9 to a wavy surface. Too high a
// rate sends the loss to NaN within a few reports; too low leaves it near the variance of the targets.
// Prints {"step", "loss"} (full-data mean squared error) every report_every steps.
'use strict';
const { rng, parseArgs, train } = require('./common');

const opts = parseArgs({ lr: 0.01, steps: 2000, report_every: 40, batch: 16, hidden: 32, momentum: 0.9, seed: 1, data_seed: 11, delay_ms: 0 });
const data = rng(opts.data_seed);
const N = 800;
const X = [];
const Y = [];
for (let i = 0; i < N; i++) {
  const x1 = data.next() * 4 - 2;
  const x2 = data.next() * 4 - 2;
  X.push([x1, x2]);
  Y.push(Math.sin(1.5 * x1) * Math.cos(x2) + 0.5 * x2 + 0.1 * data.gauss());
}
const H = opts.hidden;
const init = rng(opts.seed);
const W1 = Array.from({ length: H }, () => [init.gauss() * 0.7, init.gauss() * 0.7]);
const B1 = new Array(H).fill(0);
const W2 = Array.from({ length: H }, () => init.gauss() / Math.sqrt(H));
let B2 = 0;
const vW1 = Array.from({ length: H }, () => [0, 0]);
const vB1 = new Array(H).fill(0);
const vW2 = new Array(H).fill(0);
let vB2 = 0;
const h = new Array(H).fill(0);

function forward(x) {
  let y = B2;
  for (let j = 0; j < H; j++) {
    h[j] = Math.tanh(W1[j][0] * x[0] + W1[j][1] * x[1] + B1[j]);
    y += W2[j] * h[j];
  }
  return y;
}
function loss() {
  let s = 0;
  for (let i = 0; i < N; i++) s += (forward(X[i]) - Y[i]) ** 2;
  return s / N;
}
function step() {
  const gW1 = Array.from({ length: H }, () => [0, 0]);
  const gB1 = new Array(H).fill(0);
  const gW2 = new Array(H).fill(0);
  let gB2 = 0;
  for (let k = 0; k < opts.batch; k++) {
    const i = Math.floor(init.next() * N);
    const d = (2 * (forward(X[i]) - Y[i])) / opts.batch;
    gB2 += d;
    for (let j = 0; j < H; j++) {
      gW2[j] += d * h[j];
      const dh = d * W2[j] * (1 - h[j] * h[j]);
      gW1[j][0] += dh * X[i][0];
      gW1[j][1] += dh * X[i][1];
      gB1[j] += dh;
    }
  }
  const m = opts.momentum;
  for (let j = 0; j < H; j++) {
    vW2[j] = m * vW2[j] + gW2[j];
    W2[j] -= opts.lr * vW2[j];
    vB1[j] = m * vB1[j] + gB1[j];
    B1[j] -= opts.lr * vB1[j];
    for (let c = 0; c < 2; c++) {
      vW1[j][c] = m * vW1[j][c] + gW1[j][c];
      W1[j][c] -= opts.lr * vW1[j][c];
    }
  }
  vB2 = m * vB2 + gB2;
  B2 -= opts.lr * vB2;
}

train(opts, step, loss);
