/**
 * Reads a number out of what configs really contain: numbers, numeric strings ("1e-5" as PyYAML
 * returns it, Katib's "0.01" bounds), and RL Zoo schedules (`lin_0.001`). Returns undefined when
 * the text is not numeric.
 */
export function parseNumeric(value: unknown): { value: number; schedule?: string } | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : { value };
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const schedule = /^(lin|linear)_([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/.exec(text);
  if (schedule) return { value: Number(schedule[2]), schedule: 'linear' };
  if (/^[-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return { value: Number(text.replace(/_/g, '')) };
  if (/^[-+]?(inf|infinity|\.inf)$/i.test(text)) return { value: text.startsWith('-') ? -Infinity : Infinity };
  return undefined;
}
