/**
 * Rows of cells as aligned text, two spaces apart: the first column (names) left-aligned, the others
 * (figures) right-aligned. A row shorter than the first counts its missing cells as empty. No final newline.
 */
export function textTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => (r[c] ?? '').length)));
  return rows.map(r => widths.map((w, c) => (c === 0 ? (r[c] ?? '').padEnd(w) : (r[c] ?? '').padStart(w))).join('  ')).join('\n');
}
