/**
 * Short number labels for axes, tooltips and tables: three significant digits, SI prefixes for large
 * magnitudes and an exponent for the extremes ("0.125", "12.3k", "3.2e76", "1.5e-5"). Tick labels of
 * one axis get as many digits as it takes to tell them apart, so an axis never repeats a label.
 */

const SI: readonly [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** `digits` significant digits, trailing zeros dropped. */
function significant(v: number, digits: number): string {
  return String(Number(v.toPrecision(digits)));
}

function exponentForm(v: number, digits: number): string {
  const [mantissa, exponent] = v.toExponential(Math.max(0, digits - 1)).split('e');
  return `${String(Number(mantissa))}e${Number(exponent)}`;
}

export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  // Rounding can carry into the next magnitude (9999.7 → 10000): judge the rounded value.
  const r = Math.abs(Number(v.toPrecision(digits)));
  if (r >= 1e-3 && r < 1e4) return significant(v, digits);
  if (r >= 1e4 && r < 1e15) {
    for (const [scale, prefix] of SI) if (r >= scale) return `${significant(v / scale, digits)}${prefix}`;
  }
  return exponentForm(v, digits);
}

/**
 * Labels for a set of tick values: the shortest form (from 3 significant digits up) in which no two
 * distinct values read the same.
 */
export function formatTicks(values: readonly number[], digits = 3): string[] {
  let labels = values.map(v => formatNumber(v, digits));
  for (let d = digits + 1; d <= 12 && !distinct(values, labels); d++) labels = values.map(v => formatNumber(v, d));
  return labels;
}

function distinct(values: readonly number[], labels: readonly string[]): boolean {
  const seen = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    const before = seen.get(labels[i]);
    if (before !== undefined && before !== values[i]) return false;
    seen.set(labels[i], values[i]);
  }
  return true;
}

/** 10²¹ — a decade as a power of ten. */
export function formatDecade(exponent: number): string {
  return `10${[...String(exponent)].map(c => SUPERSCRIPT[c] ?? c).join('')}`;
}

/**
 * Labels for log-axis ticks: powers of ten as 10ⁿ once the axis leaves the range where plain numbers
 * read well (0.001 … 1000), other values as formatTicks would.
 */
export function formatLogTicks(values: readonly number[]): string[] {
  const exponents = values.map(v => Math.log10(v));
  const decades = exponents.every(e => Math.abs(e - Math.round(e)) < 1e-9);
  if (decades && exponents.some(e => e < -3 || e > 3)) return exponents.map(e => formatDecade(Math.round(e)));
  return formatTicks(values);
}
