/** Offset ↔ LSP position conversion (0-based line, UTF-16 character), by binary search. */
import type { SourceRange } from './types';

/** The index of the last item whose key is ≤ `x`, in items sorted by key; -1 when there is none. O(log n). */
export function lastAtOrBefore<T>(items: readonly T[], key: (item: T) => number, x: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) <= x) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return last;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  /** The line found last: readers ask in source order, so the next answer is mostly on it or the next. */
  private last = 0;

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; character: number } {
    let line = this.last;
    if (!this.holds(line, offset)) line = this.holds(line + 1, offset) ? line + 1 : this.search(offset);
    this.last = line;
    return { line, character: offset - this.starts[line] };
  }

  private holds(line: number, offset: number): boolean {
    const { starts } = this;
    return line < starts.length && starts[line] <= offset && (line + 1 === starts.length || offset < starts[line + 1]);
  }

  private search(offset: number): number {
    return Math.max(0, lastAtOrBefore(this.starts, start => start, offset));
  }

  range(start: number, end: number): SourceRange {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, character: a.character, endLine: b.line, endCharacter: b.character };
  }
}
