/** Parameter importance: the share of the objective's variance each parameter explains alone. */
import { Chart } from 'chart.js';
import { MODEL_TREES } from '../analysisCache';
import { axisStyle, tooltipStyle } from '../chartStyle';
import { withAlpha } from '../theme';
import { createPanel, setNote, type PlotView, type ViewContext } from './view';

export function createImportanceView(ctx: ViewContext): PlotView {
  const { panel, canvas, note } = createPanel('importance', 'Importance');
  let chart: Chart<'bar'> | null = null;

  function render(): void {
    const { theme } = ctx.state;
    const m = ctx.analysis.current();
    const shown = m.importances.slice(0, 30);
    setNote(note, m.note ?? `fANOVA-style importance from a ${MODEL_TREES}-tree random forest over ${m.fitted} finished trials (share of the objective's variance each parameter explains alone).`);
    const data = {
      labels: shown.map(i => i.name),
      datasets: [{ label: 'importance', data: shown.map(i => i.importance), backgroundColor: shown.map((_, i) => (i === 0 ? theme.accent : withAlpha(theme.palette[0], 0.8))), borderWidth: 0, maxBarThickness: 32 }],
    };
    if (chart) {
      chart.data = data;
      chart.update('none');
      return;
    }
    chart = new Chart<'bar'>(canvas, {
      type: 'bar',
      data,
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 1, ...axisStyle(theme, 'importance') }, y: { ...axisStyle(theme, 'parameter'), ticks: { ...axisStyle(theme, '').ticks, autoSkip: false } } },
        plugins: { legend: { display: false }, tooltip: { ...tooltipStyle(theme), callbacks: { label: item => `${(Number(item.raw) * 100).toFixed(1)} %` } } },
      },
    });
  }

  return {
    tab: 'importance',
    label: 'Importance',
    panel,
    canvas,
    redrawOnResize: false,
    dataKey: () => {
      ctx.analysis.current();
      return `${ctx.analysis.version}:${ctx.state.store.selected}:${ctx.state.store.best}`;
    },
    render,
    chart: () => null,
    dispose: () => {
      chart?.destroy();
      chart = null;
    },
  };
}
