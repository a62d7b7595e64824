/**
 * Timeline: each trial a bar from its start to its end, one row per parallel slot, coloured by state.
 * Shows how well the parallel workers were used (gaps are idle workers) and where trials were pruned
 * or failed. Drawn on a canvas (a 10,000-trial study is a few fills); hover shows the trial, a click
 * selects it. The best trial is outlined — with several metrics, every trial on the Pareto front.
 */
import { formatElapsed, packTimeline, timelineNow, timeTicks, type Timeline, type TimelineBar } from '../../../src/core/analysis';
import type { TrialState } from '../../../src/core/search/types';
import { el } from '../../shared/dom';
import type { AxisState } from '../axes';
import type { LayerState } from '../pointCloud';
import { CanvasTooltip, prepareCanvas, truncate } from '../canvas';
import { trialLines, trialTitle } from '../chartStyle';
import type { Theme } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

/** Tallest row (px); thinner when many slots share the height. */
const MAX_ROW = 44;

const STATES: readonly [TrialState, string][] = [['complete', 'complete'], ['pruned', 'pruned'], ['fail', 'failed'], ['running', 'running']];

function stateColour(theme: Theme, state: TrialState): string {
  return state === 'complete' ? theme.palette[0] : state === 'pruned' ? theme.palette[3] : state === 'fail' ? theme.palette[4] : theme.palette[1];
}

/** Where the last drawing put things, for hit testing. */
interface Drawn {
  /** The study's first start (ms since the epoch). */
  readonly start: number;
  readonly left: number;
  readonly top: number;
  readonly rowHeight: number;
  readonly xOf: (ms: number) => number;
  readonly msOf: (x: number) => number;
  /** Bars per slot, in start order. */
  readonly bySlot: readonly TimelineBar[][];
}

function draw(canvas: HTMLCanvasElement, tl: Timeline, theme: Theme, marked: ReadonlySet<number>, selected: number | null): { drawn: Drawn | null; labels: string[] } {
  const { ctx, width, height } = prepareCanvas(canvas);
  ctx.font = `11px ${theme.font}`;
  if (!tl.bars.length) {
    ctx.fillStyle = theme.muted;
    ctx.fillText('No trial has started yet.', 16, 24);
    return { drawn: null, labels: [] };
  }
  const slotLabel = (s: number) => `slot ${s + 1}`;
  const left = Math.ceil(ctx.measureText(slotLabel(tl.slots - 1)).width) + 14;
  const right = width - 16;
  const top = 8;
  // Rows at most MAX_ROW px: with two workers the bars sit together above the axis, not 300 px apart.
  const rowHeight = Math.min(MAX_ROW, (height - 40 - top) / tl.slots);
  const bottom = top + rowHeight * tl.slots;
  const span = Math.max(1, tl.end - tl.start);
  const xOf = (ms: number) => left + ((ms - tl.start) / span) * (right - left);
  const msOf = (x: number) => tl.start + ((x - left) / (right - left)) * span;
  const barHeight = Math.max(1, rowHeight * 0.7);
  const bySlot: TimelineBar[][] = Array.from({ length: tl.slots }, () => []);
  for (const b of tl.bars) bySlot[b.slot].push(b);
  // A pixel of gap at the end, so back-to-back trials of one state stay two bars.
  const rect = (b: TimelineBar) => [xOf(b.start), top + b.slot * rowHeight + (rowHeight - barHeight) / 2, Math.max(1.5, xOf(b.end) - xOf(b.start) - 1), barHeight] as const;
  // One fill per state: a 10,000-trial study is four paths.
  for (const [state] of STATES) {
    ctx.fillStyle = stateColour(theme, state);
    ctx.beginPath();
    for (const b of tl.bars) if (b.state === state && !marked.has(b.number) && b.number !== selected) ctx.rect(...rect(b));
    ctx.fill();
  }
  const outlined = tl.bars.filter(b => marked.has(b.number) && b.number !== selected).map(b => [b, theme.accent] as const);
  const chosen = selected === null ? undefined : tl.bars.find(x => x.number === selected);
  for (const [b, colour] of chosen ? [...outlined, [chosen, theme.selection] as const] : outlined) {
    ctx.fillStyle = stateColour(theme, b.state);
    ctx.fillRect(...rect(b));
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(...rect(b));
  }
  // Slot labels (every k-th when rows are thin) and the time axis.
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = 'right';
  const every = Math.max(1, Math.ceil(14 / rowHeight));
  for (let s = 0; s < tl.slots; s += every) ctx.fillText(slotLabel(s), left - 6, top + (s + 0.5) * rowHeight + 4);
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();
  ctx.textAlign = 'center';
  const ticks = timeTicks(span, Math.max(2, Math.floor((right - left) / 90)));
  const labels = ticks.map(formatElapsed);
  ticks.forEach((t, i) => {
    const x = xOf(tl.start + t);
    ctx.beginPath();
    ctx.moveTo(x, bottom);
    ctx.lineTo(x, bottom + 4);
    ctx.stroke();
    ctx.fillText(truncate(ctx, labels[i], 86), x, bottom + 16);
  });
  ctx.font = `bold 12px ${theme.font}`;
  ctx.fillText('time since the first trial started', left + (right - left) / 2, bottom + 34);
  ctx.textAlign = 'left';
  return { drawn: { start: tl.start, left, top, rowHeight, xOf, msOf, bySlot }, labels };
}

/** The bar under a point (within a couple of pixels), by binary search in its row. */
function barAt(d: Drawn, x: number, y: number): TimelineBar | null {
  const slot = Math.floor((y - d.top) / d.rowHeight);
  const bars = d.bySlot[slot];
  if (!bars || x < d.left) return null;
  const t = d.msOf(x);
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].start <= t) lo = mid + 1;
    else hi = mid;
  }
  for (const b of [bars[lo - 1], bars[lo]]) if (b && x >= d.xOf(b.start) - 2 && x <= d.xOf(b.end) + 2) return b;
  return null;
}

export function createTimelineView(ctx: ViewContext): PlotView {
  const legend = el('div', { className: 'legend', id: 'timeline-legend' });
  const { panel, canvas, note } = createPanel('timeline', 'Timeline', legend);
  const tooltip = new CanvasTooltip(canvas.parentElement as HTMLElement);
  let drawn: Drawn | null = null;
  let axis: AxisState | null = null;
  /** The outlined trials as last drawn (the UI tests read them). */
  let outlined: LayerState[] = [];

  const pick = (e: MouseEvent) => (drawn ? barAt(drawn, e.offsetX, e.offsetY) : null);
  canvas.addEventListener('mousemove', e => {
    const b = pick(e);
    if (!b || !drawn) return tooltip.hide();
    const { store } = ctx.state;
    const started = `started at +${formatElapsed(b.start - drawn.start)}`;
    tooltip.show(e.offsetX, e.offsetY, trialTitle(store, b.number), [`slot ${b.slot + 1} · ${started}`, ...trialLines(store, b.number)]);
  });
  canvas.addEventListener('mouseleave', () => tooltip.hide());
  canvas.addEventListener('click', e => {
    const b = pick(e);
    if (b) ctx.selectTrial(b.number);
  });

  function render(): void {
    const { store, theme } = ctx.state;
    legend.replaceChildren(...STATES.map(([state, label]) => {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = stateColour(theme, state);
      return el('span', {}, swatch, document.createTextNode(label));
    }));
    const trials = [...store.trials.values()];
    const tl = packTimeline(trials, timelineNow(trials, Date.now()));
    const marked = store.paretoFront() ?? new Set(store.best === null ? [] : [store.best]);
    const result = draw(canvas, tl, theme, marked, store.selected);
    const placed = tl.bars.map(b => b.number);
    outlined = [
      { name: store.paretoFront() ? 'front' : 'best', colour: theme.accent, radius: 0, trials: placed.filter(n => marked.has(n)) },
      { name: 'selected', colour: theme.selection, radius: 0, trials: placed.filter(n => n === store.selected) },
    ];
    drawn = result.drawn;
    axis = { min: 0, max: tl.end - tl.start, log: false, labels: result.labels, offScale: 0 };
    const parts: string[] = [];
    if (tl.bars.length) {
      parts.push(`${tl.bars.length} trials on ${tl.slots} parallel slot${tl.slots === 1 ? '' : 's'} over ${formatElapsed(tl.end - tl.start)}`);
      if (tl.slots > 1) parts.push(`workers busy ${Math.round(tl.utilisation * 100)} % of the time`);
    }
    if (store.paretoFront()?.size) parts.push(`outlined: the ${marked.size} trial${marked.size === 1 ? '' : 's'} on the Pareto front`);
    if (tl.unplaced) parts.push(`${tl.unplaced} trial${tl.unplaced === 1 ? '' : 's'} without a start time (waiting, or not recorded by this source)`);
    setNote(note, parts.length ? parts.join('; ') + '.' : 'No trials yet.');
  }

  return {
    tab: 'timeline',
    label: 'Timeline',
    panel,
    canvas,
    redrawOnResize: true,
    dataKey: () => {
      const { store } = ctx.state;
      const running = [...store.trials.values()].some(t => t.state === 'running');
      // Running bars grow with the clock: redraw at most once a second while any trial runs.
      return `${ctx.state.trialsVersion}:${store.selected}:${store.best}:${running ? Math.floor(Date.now() / 1000) : ''}`;
    },
    render,
    chart: () => null,
    dispose: () => tooltip.hide(),
    axis: () => axis,
    layers: () => outlined,
  };
}
