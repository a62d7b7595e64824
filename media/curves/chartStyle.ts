/** What every chart.js view shares: axis and tooltip styling from the theme, and a trial's tooltip text. */
import { formatParam } from '../../src/core/analysis';
import type { CurvesStore } from './store';
import { withAlpha, type Theme } from './theme';

export function axisStyle(theme: Theme, title: string) {
  return {
    title: { display: true, text: title, color: theme.foreground, font: { family: theme.font, size: 12, weight: 'bold' as const } },
    ticks: { color: theme.foreground, font: { family: theme.font, size: 11 }, maxTicksLimit: 10 },
    grid: { color: theme.grid },
    border: { color: theme.muted },
  };
}

export function tooltipStyle(theme: Theme) {
  return {
    backgroundColor: withAlpha(theme.background, 0.95),
    titleColor: theme.foreground,
    bodyColor: theme.foreground,
    borderColor: theme.muted,
    borderWidth: 1,
    titleFont: { family: theme.font },
    bodyFont: { family: theme.font },
  };
}

/**
 * What every chart of the panel sets: no animation (live data would animate forever), data already in
 * `{x, y}` form (no parsing), the canvas sized by its box, room above the plot for off-scale markers.
 */
export function baseOptions() {
  return { animation: false as const, parsing: false as const, normalized: true, responsive: true, maintainAspectRatio: false, layout: { padding: { top: 8, right: 12 } } };
}

/** Wheel and drag zoom, shift-drag pan: the same gestures on every chart. */
export function zoomOptions() {
  return { zoom: { wheel: { enabled: true }, drag: { enabled: true }, mode: 'xy' as const }, pan: { enabled: true, mode: 'xy' as const, modifierKey: 'shift' as const } };
}

/** Tooltip body of a trial: value, parameters (at most 12) and duration. */
export function trialLines(store: CurvesStore, n: number): string[] {
  const t = store.trials.get(n);
  if (!t) return [];
  const lines = [`value: ${t.value === null ? '–' : formatParam(t.value)}`];
  const params = Object.entries(t.params);
  for (const [k, v] of params.slice(0, 12)) lines.push(`${k} = ${formatParam(v)}`);
  if (params.length > 12) lines.push(`… ${params.length - 12} more`);
  if (t.durationMs !== null) lines.push(`duration: ${(t.durationMs / 1000).toFixed(1)} s`);
  return lines;
}

export function trialTitle(store: CurvesStore, n: number): string {
  const t = store.trials.get(n);
  const standing = store.standing(n);
  return `Trial #${n} · ${t?.state ?? 'unknown'}${standing === 'best' ? ' · best' : standing === 'front' ? ' · on the Pareto front' : ''}`;
}
