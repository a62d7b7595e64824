// Shared by the learning-rate benchmark programs: seeded random numbers, --name=value arguments, and a
// training loop that prints one JSON line per report, paces itself like a real trainer (delay_ms per
// report) and records how many steps it really ran (steps.json in $HPSTUDIO_TRIAL_DIR), also when it is
// stopped early with SIGTERM — the finder's cost is counted from what the programs did, not estimated.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** mulberry32: small, fast and seeded, so every run with the same seed sees the same data and noise. */
function rng(seed) {
  let t = seed >>> 0;
  const next = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, gauss };
}

/** `--lr=0.1 --steps=500` over defaults; unknown names and non-numbers stop the program with a message. */
function parseArgs(defaults, argv = process.argv.slice(2)) {
  const opts = { ...defaults };
  for (const arg of argv) {
    const m = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!m || !(m[1] in defaults)) {
      console.error(`unknown argument ${JSON.stringify(arg)} (names: ${Object.keys(defaults).join(', ')})`);
      process.exit(2);
    }
    const v = Number(m[2]);
    if (!Number.isFinite(v)) {
      console.error(`--${m[1]} needs a number, got ${JSON.stringify(m[2])}`);
      process.exit(2);
    }
    opts[m[1]] = v;
  }
  return opts;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Runs `step()` opts.steps times, printing {"step", "loss"} every opts.report_every steps (and at step 0).
 * Returns the last loss. A non-finite loss is printed as NaN (as Python would) and training goes on, the
 * way an unguarded training script keeps burning compute after it diverged.
 */
async function train(opts, step, loss) {
  let done = 0;
  const record = () => {
    const dir = process.env.HPSTUDIO_TRIAL_DIR;
    if (dir) fs.writeFileSync(path.join(dir, 'steps.json'), JSON.stringify({ steps: done }));
  };
  process.on('SIGTERM', () => {
    record();
    process.exit(143);
  });
  const show = v => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 'NaN');
  let last = loss();
  console.log(`{"step": 0, "loss": ${show(last)}}`);
  for (let s = 1; s <= opts.steps; s++) {
    step(s);
    done = s;
    if (s % opts.report_every === 0 || s === opts.steps) {
      last = loss();
      console.log(`{"step": ${s}, "loss": ${show(last)}}`);
      if (opts.delay_ms > 0) await sleep(opts.delay_ms);
    }
  }
  record();
  return last;
}

module.exports = { rng, parseArgs, train };
