/**
 * The study journal at scale (issue #15, "One journal, read incrementally"):
 * 1. open: a 100,000-trial journal replayed (parse), read by the editor's study reader (follower +
 *    snapshots + tallies) and joined by a worker (lock + replay + append). Goal ≤ 1 s.
 * 2. follow: the cost of following one appended trial when the journal already holds 1k, 10k and 100k
 *    trials — the follower alone and the whole study-reader refresh. Goal: flat (O(1) per trial).
 * 3. editor CPU: a real worker process (another node process, the real StudyJournal and lock) runs a
 *    study from 9,000 to 10,000 trials at 20 trials/s and reports events over IPC at 10 Hz, as the
 *    background worker does; this process does what the extension host does with them — validates the
 *    messages, refreshes the study store (worker events, fs.watch, a 3 s poll), rebuilds the sidebar
 *    state and serializes it as postMessage does, and runs the curves panel source on the store's
 *    follower — and measures its own CPU time over the run. Goal < 5 %.
 *
 *   node --expose-gc -r esbuild-register test/bench/journal.bench.ts
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournalCurvesSource } from '../../src/core/curves/journalSource';
import { fromWorker, type StudyEventMessage } from '../../src/core/protocol/worker';
import { PushThrottle } from '../../src/core/protocol/pushThrottle';
import { parseMessage } from '../../src/core/protocol/validate';
import { JournalFollower } from '../../src/core/study/follower';
import { StudyJournal, readJournal } from '../../src/core/study/journal';
import { StudyLibrary } from '../../src/core/study/library';
import { studyRow, trialRows } from '../../src/core/study/sidebarRows';
import { StudyReader } from '../../src/core/study/studyIndex';

const OPEN_TRIALS = Number(process.env.OPEN_TRIALS ?? 100_000);
const FOLLOW_SIZES = process.env.OPEN_TRIALS ? [1_000] : [1_000, 10_000, 100_000];
const FOLLOW_APPENDS = 200;
const LIVE_FROM = 9_000;
const LIVE_TO = 10_000;
const LIVE_RATE = 20;
const STEPS = 5;
/** As the sidebar view pushes its state (src/extension/views/sidebarView.ts). */
const SIDEBAR_PUSH_MS = 500;
const host = os.hostname();

const header = (name: string) => ({
  op: 'study',
  v: 2,
  name,
  space: { params: [{ name: 'lr', distribution: { type: 'float', low: 1e-5, high: 0.1, log: true } }, { name: 'batch', distribution: { type: 'categorical', choices: [16, 32, 64] } }, { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.5 } }] },
  direction: 'minimize',
  metric: 'val_loss',
  sampler: 'tpe',
  seed: 1,
  studyFile: 'sweep.yaml',
  time: 1,
});

/** The lines one trial leaves in a journal written by a worker: claim, process group, five values, end. */
function trialLines(n: number, w = 1, pid = 4242): string {
  const t = 1_700_000_000_000 + n * 50;
  const out = [
    JSON.stringify({ op: 'trial', number: n, params: { lr: 1e-4 * (1 + (n % 97)), batch: [16, 32, 64][n % 3], dropout: (n % 11) / 25 }, state: 'running', w, pid, host, time: t }),
    JSON.stringify({ op: 'spawn', number: n, w, pgid: 10_000 + (n % 20_000), host, time: t + 1 }),
  ];
  for (let s = 1; s <= STEPS; s++) out.push(JSON.stringify({ op: 'value', number: n, w, step: s, value: 1 / s + (n % 89) / 100 }));
  out.push(JSON.stringify({ op: 'finish', number: n, w, state: 'complete', value: 0.2 + (n % 89) / 100, time: t + 40 }));
  if (n % 20 === 0) out.push(JSON.stringify({ op: 'heartbeat', w, pid, host, time: t + 45 }));
  return `${out.join('\n')}\n`;
}

/** A journal of `trials` finished trials by one worker (that left, unless `stays`); returns its directory. */
function makeStudy(root: string, name: string, trials: number, stays = false): string {
  const dir = path.join(root, '.hpstudio', 'studies', name);
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(path.join(dir, 'journal.jsonl'), 'w');
  fs.writeSync(fd, `${JSON.stringify(header(name))}\n${JSON.stringify({ op: 'worker', w: 1, pid: 4242, host, time: 1 })}\n${JSON.stringify({ op: 'state', state: 'running', budget: trials, w: 1, time: 1 })}\n`);
  let chunk = '';
  for (let n = 0; n < trials; n++) {
    chunk += trialLines(n);
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, stays ? chunk : `${chunk}${JSON.stringify({ op: 'leave', w: 1, time: 2 })}\n`);
  fs.closeSync(fd);
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
/** CPU time of this process in ms: on a loaded machine wall time measures the neighbours too. */
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

async function benchOpen(root: string): Promise<Record<string, number>> {
  const dir = makeStudy(root, 'open', OPEN_TRIALS);
  const file = path.join(dir, 'journal.jsonl');
  const runs: Record<string, number[]> = { parseMs: [], parseCpuMs: [], editorReadMs: [], editorReadCpuMs: [], workerJoinMs: [], workerJoinCpuMs: [] };
  const time = async (name: string, work: () => unknown) => {
    global.gc?.();
    const t = process.hrtime.bigint();
    const c = cpuMs();
    await work();
    runs[`${name}CpuMs`].push(cpuMs() - c);
    runs[`${name}Ms`].push(ms(t));
  };
  for (let i = 0; i < 3; i++) {
    await time('parse', () => {
      if (readJournal(file).study.trials.length !== OPEN_TRIALS) throw new Error('bad journal');
    });
    await time('editorRead', () => {
      const snap = new StudyReader(dir, root).refresh().snapshot;
      if (snap.done !== OPEN_TRIALS) throw new Error(`read ${snap.done} trials`);
    });
    await time('workerJoin', async () => (await StudyJournal.open(dir, { join: true })).close());
  }
  return { trials: OPEN_TRIALS, megabytes: Math.round(fs.statSync(file).size / 1e5) / 10, ...Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, Math.round(median(v))])) };
}

async function benchFollow(root: string): Promise<Array<Record<string, number>>> {
  const rows: Array<Record<string, number>> = [];
  for (const size of FOLLOW_SIZES) {
    const dir = makeStudy(root, `follow-${size}`, size, true);
    const file = path.join(dir, 'journal.jsonl');
    const follower = new JournalFollower(file);
    follower.poll();
    const reader = new StudyReader(dir, root);
    reader.refresh();
    const followUs: number[] = [];
    const refreshUs: number[] = [];
    let bytes = 0;
    for (let k = 0; k < FOLLOW_APPENDS; k++) {
      const text = trialLines(size + k);
      bytes += text.length;
      fs.appendFileSync(file, text);
      let t = process.hrtime.bigint();
      follower.poll();
      followUs.push(ms(t) * 1000);
      t = process.hrtime.bigint();
      reader.refresh();
      refreshUs.push(ms(t) * 1000);
    }
    if (reader.snapshot?.trials.length !== size + FOLLOW_APPENDS) throw new Error('follow lost trials');
    rows.push({ trials: size, bytesPerTrial: Math.round(bytes / FOLLOW_APPENDS), followerUsPerTrial: Math.round(median(followUs)), storeRefreshUsPerTrial: Math.round(median(refreshUs)) });
  }
  return rows;
}

/** The extension host's side of a running study, fed by a real worker process; returns this process's CPU share. */
async function benchEditorCpu(parent: string): Promise<Record<string, number>> {
  const root = path.join(parent, 'live-workspace');
  const dir = makeStudy(root, 'live', LIVE_FROM);
  // The study was left with its budget used; the worker raises it as `--trials 10000` would.
  const library = new StudyLibrary(() => ({}));
  library.scan([root]);
  let refreshes = 0;
  let refreshMs = 0;
  let sidebarBytes = 0;
  let curvesBytes = 0;
  const sidebar = new PushThrottle(() => presentSidebar(), SIDEBAR_PUSH_MS);
  const presentSidebar = () => {
    // SidebarModel.getState + postMessage's serialization (the status bar and progress read the same snapshot).
    const studies = library.list();
    const selected = studies.find(s => s.state === 'running') ?? studies[0];
    sidebarBytes += JSON.stringify({ type: 'state', state: { studies: studies.map(studyRow), selectedStudy: selected?.name ?? null, trials: selected ? trialRows(selected) : [] } }).length;
  };
  let due: NodeJS.Timeout | undefined;
  const refresh = () => {
    due = undefined;
    const t = process.hrtime.bigint();
    const { changed } = library.refresh(dir, root);
    if (changed) sidebar.request();
    refreshMs += ms(t);
    refreshes++;
  };
  const markDirty = (delay: number) => {
    if (!due) due = setTimeout(refresh, delay);
  };
  const watcher = fs.watch(dir, () => markDirty(250));
  const poll = setInterval(() => library.scan([root]), 3000);
  const curves = new JournalCurvesSource(path.join(dir, 'journal.jsonl'), 250, () => library.follower(dir));
  curves.snapshot();
  const sub = curves.onDidChange(delta => (curvesBytes += JSON.stringify(delta).length));
  // The panel's first look at every trial's logs is the cost of opening it, not of following the study.
  await curves.refresh();

  const child = fork(__filename, ['writer', dir], { execArgv: ['-r', require.resolve('esbuild-register')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let events = 0;
  child.on('message', raw => {
    const parsed = parseMessage(fromWorker, raw);
    if (!parsed.ok || parsed.message.type !== 'events') return;
    events += parsed.message.events.length;
    markDirty(20); // the fast path: the worker journals before it reports
  });
  await new Promise<void>(resolve => child.once('message', () => resolve()));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise<void>(resolve => child.once('exit', () => resolve()));
  const wallMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  watcher.close();
  sidebar.dispose();
  clearInterval(poll);
  sub.dispose();
  if (due) clearTimeout(due);
  refresh();
  const snap = library.get('live')!;
  if (snap.trials.length !== LIVE_TO) throw new Error(`the store saw ${snap.trials.length} trials, expected ${LIVE_TO}: ${snap.error ?? snap.issues}`);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    trialsFrom: LIVE_FROM,
    trialsTo: LIVE_TO,
    trialsPerSecond: Math.round(((LIVE_TO - LIVE_FROM) / wallMs) * 1000 * 10) / 10,
    wallSeconds: Math.round(wallMs / 100) / 10,
    cpuPercent: Math.round((cpuMs / wallMs) * 1000) / 10,
    refreshes,
    meanRefreshMs: Math.round((refreshMs / Math.max(1, refreshes)) * 100) / 100,
    workerEvents: events,
    sidebarMbSerialized: Math.round(sidebarBytes / 1e5) / 10,
    curvesKbSerialized: Math.round(curvesBytes / 100) / 10,
  };
}

/** The worker side of part 3: joins the study and runs trials at LIVE_RATE per second, reporting events at 10 Hz. */
async function writer(dir: string): Promise<void> {
  const j = await StudyJournal.open(dir, { join: true, onJoin: (_s, w) => [{ op: 'state', state: 'running', budget: LIVE_TO, explicit: true, w, time: Date.now() }] });
  const send = (m: unknown) => process.send?.(m);
  const pending: StudyEventMessage[] = [];
  const flush = setInterval(() => {
    if (pending.length) send({ type: 'events', events: pending.splice(0) });
  }, 100);
  send({ type: 'log', level: 'info', message: 'ready' });
  const start = Date.now();
  for (let i = 0; j.study.trials.length < LIVE_TO; i++) {
    const wait = start + (i * 1000) / LIVE_RATE - Date.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    let n = -1;
    await j.transact(study => {
      n = study.trials.length;
      return [{ op: 'trial', number: n, params: { lr: 1e-3, batch: 32, dropout: (n % 11) / 25 }, state: 'running', w: j.w, pid: process.pid, host, time: Date.now() }];
    });
    pending.push({ type: 'trial-started', study: 'live', number: n, params: { lr: 1e-3, batch: 32, dropout: (n % 11) / 25 } });
    for (let s = 1; s <= STEPS; s++) {
      void j.append({ op: 'value', number: n, w: j.w, step: s, value: 1 / s });
      pending.push({ type: 'metric', study: 'live', number: n, name: 'val_loss', step: s, value: 1 / s });
    }
    await j.append({ op: 'finish', number: n, w: j.w, state: 'complete', value: 0.5, time: Date.now() });
    pending.push({ type: 'trial-finished', study: 'live', number: n, state: 'complete', value: 0.5, durationMs: 40 });
  }
  await j.close();
  clearInterval(flush);
  if (pending.length) send({ type: 'events', events: pending });
  await new Promise(r => setTimeout(r, 50));
  process.exit(0);
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-journal-bench-'));
  try {
    const open = await benchOpen(root);
    console.log(`\njournal benchmark (${os.cpus().length} cores, load ${os.loadavg().map(l => l.toFixed(1)).join(' ')}, node ${process.version})`);
    console.log(`open a ${open.trials}-trial journal (${open.megabytes} MB), median of 3, wall (CPU) ms: parse ${open.parseMs} (${open.parseCpuMs}), editor read = follower + snapshot ${open.editorReadMs} (${open.editorReadCpuMs}), worker join ${open.workerJoinMs} (${open.workerJoinCpuMs})  (goal ≤ 1000 ms)`);
    const follow = await benchFollow(root);
    for (const f of follow) console.log(`follow one appended trial at ${String(f.trials).padStart(6)} trials: ${f.bytesPerTrial} B read, follower ${f.followerUsPerTrial} µs, store refresh ${f.storeRefreshUsPerTrial} µs`);
    const cpu = await benchEditorCpu(root);
    console.log(`editor side while a study runs ${cpu.trialsFrom}→${cpu.trialsTo} trials at ${cpu.trialsPerSecond} trials/s for ${cpu.wallSeconds} s: CPU ${cpu.cpuPercent} % (goal < 5 %), ${cpu.refreshes} refreshes of ${cpu.meanRefreshMs} ms, ${cpu.workerEvents} worker events, sidebar ${cpu.sidebarMbSerialized} MB and curves ${cpu.curvesKbSerialized} KB serialized`);
    const out = path.resolve(__dirname, '../../test-results/bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'journal.json'), `${JSON.stringify({ date: new Date().toISOString(), load: os.loadavg(), open, follow, editorCpu: cpu }, null, 2)}\n`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'writer') void writer(process.argv[3]);
else void main();
