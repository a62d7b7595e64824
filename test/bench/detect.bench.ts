/**
 * Detection throughput on a generated 10,000-file workspace (.py/.yaml/.json/.toml of 1–5 KB, 30%
 * ML configs), files in the OS cache:
 *   - index: list + stat + read + quickScan (what the extension does for the whole workspace);
 *   - index + full detect of the candidates (what `hpstudio detect <dir>` does);
 *   - full position-keeping detect of every file (no quick scan), for comparison.
 * Plus a generated 50 MB JSON: time and heap/RSS delta to decline it (by stat, and with the text
 * already in memory).
 *
 *   node --expose-gc -r esbuild-register test/bench/detect.bench.ts
 *   DETECT_BENCH_FULL=1 node --expose-gc -r esbuild-register test/bench/detect.bench.ts   (5 rounds, 30,000 files)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFile, detectWorkspace, indexWorkspace, listFiles, quickScan } from '../../src/core/detect';

const FULL = process.env.DETECT_BENCH_FULL === '1';
const FILES = FULL ? 30_000 : 10_000;
const ROUNDS = FULL ? 5 : 3;
const TARGET_FILES_PER_S = 5000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const pad = (text: string, size: number, comment: string) => {
  let out = text;
  for (let i = 0; out.length < size; i++) out += `${comment} note ${i}: ${'lorem ipsum dolor sit amet '.repeat(2)}\n`;
  return out;
};

// ---- generated content: ML configs and ordinary project files ------------------------------------

function mlYaml(i: number): string {
  return `# @package _global_\ndefaults:\n  - override /model: net${i % 7}\ntrainer:\n  max_epochs: ${10 + (i % 90)}\n  accumulate_grad_batches: 2\n  gradient_clip_val: 1.0\nmodel:\n  optimizer:\n    _target_: torch.optim.AdamW\n    lr: ${(1e-4 * (1 + (i % 9))).toPrecision(2)}\n    weight_decay: 0.01\n  net:\n    hidden_size: ${64 * (1 + (i % 8))}\n    num_layers: ${2 + (i % 6)}\n    dropout: 0.1\ndata:\n  batch_size: ${16 << (i % 4)}\n  num_workers: 4\nseed: ${i}\n`;
}
function mlJson(i: number): string {
  return JSON.stringify({ output_dir: `out/run${i}`, learning_rate: 2e-5, per_device_train_batch_size: 16, num_train_epochs: 3, warmup_ratio: 0.06, weight_decay: 0.01, lr_scheduler_type: 'linear', gradient_accumulation_steps: 2, logging_steps: 50, seed: i, fp16: true }, null, 2);
}
function mlToml(i: number): string {
  return `[optimizer]\nname = "AdamW"\nlr = ${(3e-4 * (1 + (i % 3))).toPrecision(2)}\neps = 1e-8\n\n[lr_scheduler]\nwarmup_steps = 200\n\n[training]\nbatch_size = ${1 + (i % 8)}\nseq_len = 4096\nmax_norm = 1.0\nsteps = 1000\n\n[checkpoint]\ninterval = 500\nfolder = "checkpoint"\n`;
}
function mlPy(i: number): string {
  return `import argparse\nimport torch\nimport torch.nn as nn\n\nEPOCHS = ${5 + (i % 20)}\nBATCH_SIZE = 64\nLR = 1e-3\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--lr", type=float, default=LR)\n    parser.add_argument("--weight-decay", type=float, default=5e-4)\n    args = parser.parse_args()\n    model = nn.Sequential(nn.Linear(10, 64), nn.Dropout(0.2), nn.Linear(64, 2))\n    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)\n    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)\n`;
}
function plainYaml(i: number): string {
  return pick([
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\nspec:\n  replicas: ${1 + (i % 3)}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry/app:${i}\n          ports:\n            - containerPort: 8080\n`,
    `services:\n  web${i}:\n    image: nginx:1.27\n    ports:\n      - "80${i % 100}:80"\n    volumes:\n      - ./site:/usr/share/nginx/html\n`,
    `name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n`,
    `server:\n  host: 0.0.0.0\n  port: ${8000 + i}\n  timeout: 30\ndatabase:\n  url: postgres://db/app\n  pool_size: 10\nlogging:\n  level: info\n`,
  ]);
}
function plainJson(i: number): string {
  return pick([
    JSON.stringify({ name: `pkg-${i}`, version: '1.0.0', scripts: { build: 'tsc', test: 'mocha' }, dependencies: { express: '^4.19.0' } }, null, 2),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true }, include: ['src'] }, null, 2),
    JSON.stringify({ items: Array.from({ length: 20 }, (_, k) => ({ id: k, title: `item ${k}`, tags: ['a', 'b'], price: k * 1.5 })) }, null, 2),
  ]);
}
function plainToml(i: number): string {
  return `[package]\nname = "crate${i}"\nversion = "0.1.${i % 10}"\nedition = "2021"\n\n[dependencies]\nserde = "1"\ntokio = { version = "1", features = ["full"] }\n`;
}
function plainPy(i: number): string {
  return `"""Utility module ${i}."""\nimport os\nimport re\nimport json\n\nRETRIES = 3\nTIMEOUT = 30\n\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n\n\ndef slug(text):\n    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")\n\n\nclass Cache:\n    def __init__(self, size=128):\n        self.size = size\n        self.items = {}\n`;
}

interface Generated {
  readonly dir: string;
  readonly ml: Set<string>;
  readonly bytes: number;
}

function generate(n: number): Generated {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpstudio-detect-bench-'));
  const ml = new Set<string>();
  let bytes = 0;
  const exts = ['py', 'yaml', 'json', 'toml'] as const;
  for (let i = 0; i < n; i++) {
    const ext = exts[i % 4];
    const isMl = rand() < 0.3;
    const sub = path.join(dir, `pkg${i % 50}`, isMl ? 'configs' : 'src');
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `f${i}.${ext}`);
    const size = 1024 + Math.floor(rand() * 4096);
    const comment = ext === 'json' ? '' : '#';
    let text: string;
    if (ext === 'json') {
      text = isMl ? mlJson(i) : plainJson(i);
      // JSON cannot carry comments: pad with an extra field instead.
      if (text.length < size) text = `${text.slice(0, -2)},\n  "description": "${'x'.repeat(size - text.length)}"\n}`;
    } else {
      const body = ext === 'yaml' ? (isMl ? mlYaml(i) : plainYaml(i)) : ext === 'toml' ? (isMl ? mlToml(i) : plainToml(i)) : isMl ? mlPy(i) : plainPy(i);
      text = pad(body, size, comment);
    }
    fs.writeFileSync(file, text);
    bytes += text.length;
    if (isMl) ml.add(file);
  }
  return { dir, ml, bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU milliseconds (user + system) since `from`: robust when other processes share the cores. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function main(): void {
  const t0 = Date.now();
  const gen = generate(FILES);
  const genMs = Date.now() - t0;
  try {
    // Warm the OS cache (and the JIT) with one untimed pass.
    for (const f of listFiles(gen.dir)) fs.readFileSync(f, 'utf8');
    indexWorkspace(gen.dir);

    const indexTimes: number[] = [];
    const indexCpu: number[] = [];
    let index = indexWorkspace(gen.dir);
    for (let r = 0; r < ROUNDS; r++) {
      gc();
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      index = indexWorkspace(gen.dir);
      indexTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      indexCpu.push(cpuMs(c));
    }
    const indexCpuMs = median(indexCpu);
    const indexMs = median(indexTimes);
    const candidates = index.filter(f => f.candidate);
    const mlFound = candidates.filter(f => gen.ml.has(f.path)).length;
    const falseCandidates = candidates.length - mlFound;

    // quickScan alone on texts already in memory: its CPU cost without the file system.
    const texts = listFiles(gen.dir).map(f => [f, fs.readFileSync(f, 'utf8')] as const);
    const scanTimes: number[] = [];
    for (let r = 0; r < ROUNDS + 1; r++) {
      const t = process.hrtime.bigint();
      for (const [f, x] of texts) quickScan(f, x);
      if (r > 0) scanTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const scanMs = median(scanTimes);

    // Lazy full parse: only the candidates get a position-keeping tree. One untimed warm-up round.
    for (const c of candidates) detectFile(c.path, fs.readFileSync(c.path, 'utf8'), { force: true });
    const lazyTimes: number[] = [];
    const lazyCpu: number[] = [];
    let detectedMl = 0;
    let detectedNonMl = 0;
    for (let r = 0; r < ROUNDS; r++) {
      gc();
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      detectedMl = 0;
      detectedNonMl = 0;
      for (const c of candidates) {
        const res = detectFile(c.path, fs.readFileSync(c.path, 'utf8'), { force: true });
        if (res.format !== null) {
          if (gen.ml.has(c.path)) detectedMl++;
          else detectedNonMl++;
        }
      }
      lazyTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      lazyCpu.push(cpuMs(c));
    }
    const candidatesMs = median(lazyTimes);
    const candidatesCpuMs = median(lazyCpu);
    const loadAverage = os.loadavg()[0];

    // End to end as the CLI runs it (index + detect candidates, one pass).
    gc();
    const heap0 = process.memoryUsage();
    const tw = process.hrtime.bigint();
    const ws = detectWorkspace(gen.dir);
    const workspaceMs = Number(process.hrtime.bigint() - tw) / 1e6;
    const heap1 = process.memoryUsage();

    // Full trees for every file (no quick scan), for comparison.
    const files = listFiles(gen.dir);
    gc();
    const tf = process.hrtime.bigint();
    for (const f of files) detectFile(f, fs.readFileSync(f, 'utf8'), { force: true });
    const fullMs = Number(process.hrtime.bigint() - tf) / 1e6;

    // A 50 MB JSON: declined by size, never parsed.
    const bigPath = path.join(gen.dir, 'huge', 'trainer_state.json');
    fs.mkdirSync(path.dirname(bigPath), { recursive: true });
    const entry = '{"epoch": 1.0, "learning_rate": 1e-05, "loss": 0.25, "step": 100},';
    const big = `{"global_step": 1, "log_history": [${entry.repeat(Math.ceil((50 * 1024 * 1024) / entry.length)).slice(0, -1)}]}`;
    fs.writeFileSync(bigPath, big);
    gc();
    const m0 = process.memoryUsage();
    const tb = process.hrtime.bigint();
    const byStat = detectWorkspace(path.dirname(bigPath));
    const byStatMs = Number(process.hrtime.bigint() - tb) / 1e6;
    const m1 = process.memoryUsage();
    const tm = process.hrtime.bigint();
    const inMemory = detectFile(bigPath, big);
    const inMemoryMs = Number(process.hrtime.bigint() - tm) / 1e6;
    const m2 = process.memoryUsage();

    const indexRate = FILES / (indexMs / 1000);
    const lazyRate = FILES / ((indexMs + candidatesMs) / 1000);
    const result = {
      files: FILES,
      bytes: gen.bytes,
      mlFiles: gen.ml.size,
      rounds: ROUNDS,
      generateMs: genMs,
      quickScanInMemory: { medianMs: scanMs, filesPerSecond: Math.round(FILES / (scanMs / 1000)) },
      index: { medianMs: indexMs, filesPerSecond: Math.round(indexRate), candidates: candidates.length, mlFilesFlagged: mlFound, nonMlFlagged: falseCandidates, recall: mlFound / gen.ml.size },
      indexPlusCandidateDetect: { medianMs: indexMs + candidatesMs, filesPerSecond: Math.round(lazyRate), candidateDetectMs: candidatesMs, candidatesPerSecond: Math.round(candidates.length / (candidatesMs / 1000)), mlDetected: detectedMl, nonMlDetected: detectedNonMl },
      detectWorkspace: { ms: workspaceMs, filesPerSecond: Math.round(FILES / (workspaceMs / 1000)), reported: ws.length, heapDeltaMB: (heap1.heapUsed - heap0.heapUsed) / 2 ** 20, rssDeltaMB: (heap1.rss - heap0.rss) / 2 ** 20 },
      fullTreeEveryFile: { ms: fullMs, filesPerSecond: Math.round(files.length / (fullMs / 1000)) },
      bigJson: {
        bytes: big.length,
        declinedByStat: { ms: byStatMs, error: byStat[0]?.error, heapDeltaMB: (m1.heapUsed - m0.heapUsed) / 2 ** 20, rssDeltaMB: (m1.rss - m0.rss) / 2 ** 20 },
        declinedInMemory: { ms: inMemoryMs, error: inMemory.error, heapDeltaMB: (m2.heapUsed - m1.heapUsed) / 2 ** 20, rssDeltaMB: (m2.rss - m1.rss) / 2 ** 20 },
      },
      cpuTime: {
        indexMs: indexCpuMs,
        indexFilesPerCpuSecond: Math.round(FILES / (indexCpuMs / 1000)),
        candidateDetectMs: candidatesCpuMs,
        indexPlusCandidatesFilesPerCpuSecond: Math.round(FILES / ((indexCpuMs + candidatesCpuMs) / 1000)),
      },
      loadAverage1m: loadAverage,
      targetFilesPerSecond: TARGET_FILES_PER_S,
      meetsTarget: lazyRate >= TARGET_FILES_PER_S,
      meetsTargetOnCpuTime: FILES / ((indexCpuMs + candidatesCpuMs) / 1000) >= TARGET_FILES_PER_S,
    };

    const rows: Array<[string, string]> = [
      ['workspace', `${FILES} files, ${mb(gen.bytes)}, ${gen.ml.size} ML configs (generated in ${(genMs / 1000).toFixed(1)} s)`],
      ['index (list+read+quickScan)', `${indexMs.toFixed(0)} ms median of ${ROUNDS} → ${Math.round(indexRate)} files/s`],
      ['  quickScan alone (in memory)', `${scanMs.toFixed(0)} ms → ${result.quickScanInMemory.filesPerSecond} files/s`],
      ['  candidates', `${candidates.length} (ML found ${mlFound}/${gen.ml.size}, non-ML flagged ${falseCandidates})`],
      ['+ full detect of candidates', `${candidatesMs.toFixed(0)} ms → ${Math.round(candidates.length / (candidatesMs / 1000))} candidates/s`],
      ['index + lazy candidate parse', `${(indexMs + candidatesMs).toFixed(0)} ms → ${Math.round(lazyRate)} files/s (target ≥ ${TARGET_FILES_PER_S}: ${result.meetsTarget ? 'met' : 'NOT met'})`],
      ['  on CPU time', `index ${indexCpuMs.toFixed(0)} ms (${result.cpuTime.indexFilesPerCpuSecond} files/s) + candidates ${candidatesCpuMs.toFixed(0)} ms → ${result.cpuTime.indexPlusCandidatesFilesPerCpuSecond} files per CPU-second (load average ${loadAverage.toFixed(1)})`],
      ['  reported as ML', `${detectedMl} ML files, ${detectedNonMl} non-ML files`],
      ['detectWorkspace (CLI path)', `${workspaceMs.toFixed(0)} ms → ${result.detectWorkspace.filesPerSecond} files/s; heap Δ ${result.detectWorkspace.heapDeltaMB.toFixed(1)} MB, RSS Δ ${result.detectWorkspace.rssDeltaMB.toFixed(1)} MB`],
      ['full tree for every file', `${fullMs.toFixed(0)} ms → ${result.fullTreeEveryFile.filesPerSecond} files/s`],
      ['50 MB JSON, by stat', `${byStatMs.toFixed(2)} ms, heap Δ ${result.bigJson.declinedByStat.heapDeltaMB.toFixed(1)} MB: ${byStat[0]?.error}`],
      ['50 MB JSON, text in memory', `${inMemoryMs.toFixed(3)} ms, heap Δ ${result.bigJson.declinedInMemory.heapDeltaMB.toFixed(1)} MB: ${inMemory.error}`],
    ];
    const w = Math.max(...rows.map(r => r[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
    const out = path.resolve(__dirname, '../../test-results/bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'detect.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), path.join(out, 'detect.json'))}`);
  } finally {
    fs.rmSync(gen.dir, { recursive: true, force: true });
  }
}

main();
