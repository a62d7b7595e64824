/**
 * The y axis of the learning curves, robust to diverging ones. One trial whose loss explodes to 1e30
 * would otherwise squash every other curve into a flat line at the bottom. Curves are judged whole, by
 * their highest finite value, with the same rule as every other axis (robustRange): the ceiling sits
 * just above the highest curve that continues the bulk, so a healthy curve is never cut. The axis is
 * logarithmic when the curves on it span more than three decades and stay positive.
 */
import { LOG_DECADES, MIN_VALUES_FOR_OUTLIERS, robustRange } from './axis';

interface Curve {
  readonly ys: ArrayLike<number>;
  readonly length: number;
}

export interface CurvesAxis {
  /** Top of the axis when curves run off it; undefined when every curve fits. */
  readonly ceiling: number | undefined;
  readonly log: boolean;
  /** Curves that run off the top. */
  readonly clipped: number;
}

export function curvesAxis(series: Iterable<Curve>, options: { forceLog?: boolean } = {}): CurvesAxis {
  const maxima: number[] = [];
  const minima: number[] = [];
  for (const s of series) {
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < s.length; i++) {
      const y = s.ys[i];
      if (!Number.isFinite(y)) continue;
      if (y > max) max = y;
      if (y < min) min = y;
    }
    if (Number.isFinite(max)) {
      maxima.push(max);
      minima.push(min);
    }
  }
  if (maxima.length === 0) return { ceiling: undefined, log: false, clipped: 0 };
  const range = maxima.length >= MIN_VALUES_FOR_OUTLIERS ? robustRange(maxima) : null;
  const clipped = range?.above ?? 0;
  const top = range && clipped ? range.hi : Math.max(...maxima);
  let bottom = Infinity;
  maxima.forEach((m, i) => {
    if (m <= top) bottom = Math.min(bottom, minima[i]);
  });
  const log = bottom > 0 && (options.forceLog === true || Math.log10(top / bottom) > LOG_DECADES);
  return { ceiling: clipped ? top + Math.max(Math.abs(top) * 0.05, 1e-12) : undefined, log, clipped };
}

/** The ceiling alone (undefined when nothing needs clipping). */
export function robustUpperBound(series: Iterable<Curve>): number | undefined {
  return curvesAxis(series).ceiling;
}
