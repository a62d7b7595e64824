/**
 * A step line (best so far, hypervolume) drawn over a point cloud of trials: the chart the history and
 * hypervolume views share. Updated in place on later renders — a new scales object makes chart.js
 * rebuild its scales — and the axes are left alone while the user has zoomed or panned.
 */
import { Chart, type ChartDataset, type ChartOptions } from 'chart.js';
import { baseOptions, zoomOptions } from './chartStyle';
import { pointCloud, type PointLayer } from './pointCloud';

type LinearScale = NonNullable<NonNullable<ChartOptions<'line'>['scales']>[string]>;

export function drawStepLine(
  chart: Chart<'line'> | null,
  canvas: HTMLCanvasElement,
  dataset: ChartDataset<'line'>,
  scales: { readonly x: LinearScale; readonly y: LinearScale },
  layers: () => readonly PointLayer[],
): Chart<'line'> {
  if (chart) {
    chart.data.datasets = [dataset];
    if (chart.options.scales?.x && chart.options.scales.y && !chart.isZoomedOrPanned()) {
      Object.assign(chart.options.scales.x, scales.x);
      Object.assign(chart.options.scales.y, scales.y);
    }
    chart.update('none');
    return chart;
  }
  return new Chart<'line'>(canvas, {
    type: 'line',
    data: { datasets: [dataset] },
    options: { ...baseOptions(), scales: { x: scales.x, y: scales.y }, plugins: { legend: { display: false }, tooltip: { enabled: false }, zoom: zoomOptions() } },
    plugins: [pointCloud(layers)],
  });
}
