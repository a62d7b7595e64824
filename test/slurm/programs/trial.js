// A trial program for the Slurm executor tests, run by the job as `node trial.js <args>`.
// It records its argv and environment, then behaves as MODE (env) says:
//   metrics  print `epoch N loss=…` lines; after the first, wait for <trial dir>/release
//   exit     print to stderr and exit with EXIT_CODE
//   tree     ignore SIGTERM, start a child and a grandchild that ignore it too, write all pids
//   sleep    sleep for a long time (cooperative: exits on SIGTERM)
//   end      print `epoch 1 loss=0.5`, then `epoch 2 loss=<the --end= argument>` (nan, 0.25…) and exit 0
//   checkpoint  train 4 epochs, saving checkpoint.json after each; the first run holds after epoch 2
//            until <trial dir>/release exists; a later run (requeued) resumes after the saved epoch.
//            Each start appends SLURM_RESTART_COUNT to <trial dir>/starts
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const dir = process.env.HPSTUDIO_TRIAL_DIR;
fs.writeFileSync(path.join(dir, 'argv.json'), JSON.stringify({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: { HPSTUDIO_STUDY: process.env.HPSTUDIO_STUDY, HPSTUDIO_TRIAL_ID: process.env.HPSTUDIO_TRIAL_ID, PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED, SLURM_JOB_ID: process.env.SLURM_JOB_ID, SLURM_ARRAY_JOB_ID: process.env.SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID: process.env.SLURM_ARRAY_TASK_ID },
}));

const mode = process.env.MODE || 'metrics';
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (mode === 'metrics') {
    console.log('epoch 1 loss=0.9 acc=0.5');
    for (let i = 0; i < 600 && !fs.existsSync(path.join(dir, 'release')); i++) await wait(100);
    console.log(JSON.stringify({ epoch: 2, loss: 0.6, acc: 0.7 }));
    console.log("{'loss': 0.4, 'epoch': 3.0}");
    process.exit(0);
  }
  if (mode === 'exit') {
    console.error('Traceback (most recent call last):\nValueError: learning rate must be positive');
    process.exit(Number(process.env.EXIT_CODE || 0));
  }
  if (mode === 'tree') {
    process.on('SIGTERM', () => undefined);
    const child = spawn('bash', ['-c', 'trap "" TERM; sleep 1000 & echo $! >> "$1"; wait', 'tree-inner', path.join(dir, 'pids')], { stdio: 'ignore' });
    fs.appendFileSync(path.join(dir, 'pids'), `${process.pid}\n${child.pid}\n`);
    console.log('tree ready');
    setInterval(() => undefined, 1000);
    return;
  }
  if (mode === 'checkpoint') {
    const file = path.join(dir, 'checkpoint.json');
    const saved = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { epoch: 0 };
    fs.appendFileSync(path.join(dir, 'starts'), `${process.env.SLURM_RESTART_COUNT || 0}\n`);
    const first = saved.epoch === 0;
    for (let epoch = saved.epoch + 1; epoch <= 4; epoch++) {
      console.log(`epoch ${epoch} loss=${(1 / epoch).toFixed(3)}`);
      fs.writeFileSync(file, JSON.stringify({ epoch }));
      if (first && epoch === 2) for (let i = 0; i < 6000 && !fs.existsSync(path.join(dir, 'release')); i++) await wait(100);
    }
    process.exit(0);
  }
  if (mode === 'end') {
    const end = process.argv.slice(2).find((a) => a.startsWith('--end='))?.slice('--end='.length);
    console.log('epoch 1 loss=0.5');
    await wait(200);
    console.log(`epoch 2 loss=${end}`);
    process.exit(0);
  }
  if (mode === 'sleep') {
    setTimeout(() => undefined, 1_000_000);
  }
}
main();
