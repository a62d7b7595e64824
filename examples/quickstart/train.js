#!/usr/bin/env node
// Quickstart trainer: needs nothing but Node. It fits y = a·x + b ("linear") or a small two-layer network
// ("mlp") to generated data by mini-batch gradient descent and prints one JSON line per epoch, e.g.
//   {"epoch": 3, "loss": 0.41, "val_loss": 0.44}
// Try a learning rate that is too high (it diverges: the loss explodes) or too low (it crawls).
//
// Hyperparameters come from config.json next to this script (the values you would commit), and any
// --name=value argument overrides them for one run (that is how a tuning study tries new values).
//
// usage: node train.js [--model=mlp|linear] [--lr=0.05] [--batch_size=32] [--epochs=30] [--hidden=16]
//                      [--momentum=0] [--weight_decay=0] [--seed=1] [--delay_ms=0] [--config=path]
'use strict';
const fs = require('fs');
const path = require('path');

const defaults = { model: 'mlp', lr: 0.05, batch_size: 32, epochs: 30, hidden: 16, momentum: 0, weight_decay: 0, seed: 1, delay_ms: 0 };
const configArg = process.argv.slice(2).find(a => a.startsWith('--config='));
const configFile = configArg ? configArg.slice('--config='.length) : path.join(__dirname, 'config.json');
let fromConfig = {};
if (fs.existsSync(configFile)) {
  try {
    fromConfig = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (err) {
    console.error(`train.js: ${configFile} is not valid JSON: ${err.message}`);
    process.exit(2);
  }
}
const opts = { ...defaults };
for (const [k, v] of Object.entries(fromConfig)) if (k in defaults) opts[k] = v;
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--config=')) continue;
  const m = /^--([a-z_]+)=(.*)$/.exec(arg);
  if (!m || !(m[1] in defaults)) {
    console.error(`train.js: unknown argument ${JSON.stringify(arg)} (expected --name=value, names: ${Object.keys(defaults).join(', ')})`);
    process.exit(2);
  }
  opts[m[1]] = typeof defaults[m[1]] === 'number' ? Number(m[2]) : m[2];
  if (typeof defaults[m[1]] === 'number' && !Number.isFinite(opts[m[1]])) {
    console.error(`train.js: --${m[1]} needs a number, got ${JSON.stringify(m[2])}`);
    process.exit(2);
  }
}

// Small seeded PRNG (mulberry32) so every run with the same seed sees the same data and init.
function rng(seed) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(opts.seed);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// Data: y = 2.5·x − 1 plus a gentle bend the linear model cannot capture, plus noise.
const N = 512;
const xs = Array.from({ length: N }, () => rand() * 4 - 2);
const ys = xs.map(x => 2.5 * x - 1 + 0.6 * Math.sin(2 * x) + 0.1 * gauss());
const split = Math.floor(N * 0.8);
const train = xs.slice(0, split).map((x, i) => [x, ys[i]]);
const val = xs.slice(split).map((x, i) => [x, ys[split + i]]);

// Parameters (learned), as opposed to the hyperparameters above (chosen before training).
const H = Math.max(1, Math.round(opts.hidden));
const params = opts.model === 'linear'
  ? { a: 0, b: 0 }
  : { w1: Array.from({ length: H }, () => gauss()), b1: Array.from({ length: H }, () => 0), w2: Array.from({ length: H }, () => gauss() / Math.sqrt(H)), b2: 0 };
const velocity = JSON.parse(JSON.stringify(params, (k, v) => (typeof v === 'number' ? 0 : v)));

function forward(x) {
  if (opts.model === 'linear') return { y: params.a * x + params.b };
  const h = params.w1.map((w, j) => Math.tanh(w * x + params.b1[j]));
  return { y: h.reduce((s, hj, j) => s + hj * params.w2[j], params.b2), h };
}

function mse(data) {
  let s = 0;
  for (const [x, y] of data) s += (forward(x).y - y) ** 2;
  return s / data.length;
}

function step(batch) {
  const g = JSON.parse(JSON.stringify(params, (k, v) => (typeof v === 'number' ? 0 : v)));
  for (const [x, y] of batch) {
    const { y: pred, h } = forward(x);
    const d = (2 * (pred - y)) / batch.length;
    if (opts.model === 'linear') {
      g.a += d * x;
      g.b += d;
    } else {
      g.b2 += d;
      for (let j = 0; j < H; j++) {
        g.w2[j] += d * h[j];
        const dh = d * params.w2[j] * (1 - h[j] * h[j]);
        g.w1[j] += dh * x;
        g.b1[j] += dh;
      }
    }
  }
  // SGD with momentum and (coupled) weight decay.
  const update = (obj, grad, vel) => {
    for (const k of Object.keys(obj)) {
      if (Array.isArray(obj[k])) {
        for (let i = 0; i < obj[k].length; i++) {
          vel[k][i] = opts.momentum * vel[k][i] + grad[k][i] + opts.weight_decay * obj[k][i];
          obj[k][i] -= opts.lr * vel[k][i];
        }
      } else {
        vel[k] = opts.momentum * vel[k] + grad[k] + opts.weight_decay * obj[k];
        obj[k] -= opts.lr * vel[k];
      }
    }
  };
  update(params, g, velocity);
}

const sleep = ms => new Promise(r => setTimeout(r, ms));
(async () => {
  const bs = Math.max(1, Math.round(opts.batch_size));
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    // Shuffle (Fisher–Yates) so each epoch sees the batches in a new order.
    for (let i = train.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [train[i], train[j]] = [train[j], train[i]];
    }
    for (let i = 0; i < train.length; i += bs) step(train.slice(i, i + bs));
    const loss = mse(train);
    const valLoss = mse(val);
    const clean = v => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
    console.log(JSON.stringify({ epoch, loss: clean(loss), val_loss: clean(valLoss) }));
    if (!Number.isFinite(valLoss)) {
      console.error(`diverged at epoch ${epoch}: the learning rate ${opts.lr} is too high for this model`);
      process.exit(3);
    }
    if (opts.delay_ms > 0) await sleep(opts.delay_ms);
  }
})();
