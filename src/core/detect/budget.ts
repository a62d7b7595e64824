/**
 * A work budget for detecting one file (issue 16 item 9: ≤ 1 s per file under the size cap). Parsing
 * and the extractor's walk ask `spent()` every so often and, when it says so, stop and report the part
 * they analysed instead of going on: the bound holds by construction, not by how fast the code happens
 * to be on a given machine.
 *
 * The default clock is the process's CPU time (`process.cpuUsage()`, user + system), not wall time: on
 * a busy machine (CI with CPU hogs, a laptop compiling) wall time counts the time other processes hold
 * the cores, so a wall-clock budget would cut a file short for work it never did, and the same file
 * would list different settings from one run to the next. CPU time counts only the work detection does
 * (plus this process's GC threads, which that work causes). Detection runs synchronously, so nothing
 * else of this process runs on its thread meanwhile.
 */

/** Milliseconds on some monotonic clock. */
export type Clock = () => number;

/** CPU milliseconds (user + system) this process has used. */
export const cpuClock: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * CPU milliseconds for parsing and reading one Python file. The pre-scan before it and the
 * classification after it took ≤ 150 ms together for the largest legitimate files under the 1 MiB
 * cap (test/bench/detect-bounds.bench.ts), so 700 ms keeps a whole detection under 1 s with margin.
 */
export const DEFAULT_DETECT_BUDGET_MS = 700;

export interface WorkBudget {
  /** The budget's size, for messages. */
  readonly limitMs: number;
  /**
   * True once `share` of the budget is used up. Parsing asks with PARSE_SHARE so that the
   * extractor keeps time to read what was parsed; the extractor asks for the whole budget.
   */
  spent(share?: number): boolean;
}

/**
 * The part of the budget parsing may use: lezer costs 5–10 times what the extractor's walk costs per
 * line (py-argparse: ~390 ms parse, ~60 ms walk for 10,600 lines), and the walk needs time left to
 * read what was parsed.
 */
export const PARSE_SHARE = 0.85;

/** A budget of `limitMs` on `clock`, starting now. */
export function workBudget(limitMs: number = DEFAULT_DETECT_BUDGET_MS, clock: Clock = cpuClock): WorkBudget {
  const start = clock();
  return { limitMs, spent: (share = 1) => clock() - start > limitMs * share };
}

/** A budget that never runs out (callers that bound work otherwise). */
export const UNLIMITED: WorkBudget = { limitMs: Infinity, spent: () => false };
