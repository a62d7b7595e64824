/**
 * A y-axis ceiling that ignores diverging curves. One trial whose loss explodes to 1e30 would otherwise
 * squash every other curve into a flat line at the bottom of a linear axis. Curves are judged whole, by
 * their highest finite value. Losses spread over decades, so positive maxima are compared in log10; the
 * fence is the median plus four times the lower half's spread (median − Q1), which holds even when up to
 * half of the trials diverge. The ceiling sits just above the highest curve inside the fence, so a
 * healthy curve is never cut. Undefined when nothing needs clipping.
 */
export function robustUpperBound(series: Iterable<{ readonly ys: ArrayLike<number>; readonly length: number }>): number | undefined {
  const maxima: number[] = [];
  for (const s of series) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < s.length; i++) if (Number.isFinite(s.ys[i]) && s.ys[i] > max) max = s.ys[i];
    if (Number.isFinite(max)) maxima.push(max);
  }
  // Too few curves to tell an outlier from an ordinary spread.
  if (maxima.length < 4) return undefined;
  const logScale = maxima.every(m => m > 0);
  const score = (m: number) => (logScale ? Math.log10(m) : m);
  const scores = maxima.map(score).sort((a, b) => a - b);
  const q = (p: number) => scores[Math.round(p * (scores.length - 1))];
  const median = q(0.5);
  // At least half a decade (log) or 5 % of the median (linear), so tightly bunched curves are not cut.
  const spread = Math.max(median - q(0.25), logScale ? 0.5 : Math.abs(median) * 0.05);
  const fence = median + 4 * spread;
  const kept = maxima.filter(m => score(m) <= fence);
  if (kept.length === maxima.length) return undefined;
  const top = Math.max(...kept);
  return top + Math.max(Math.abs(top) * 0.05, 1e-12);
}
