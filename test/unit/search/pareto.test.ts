import * as assert from 'node:assert/strict';
import { Rng } from '../../../src/core/search/rng';
import {
  crowdingDistance,
  defaultReferencePoint,
  dominates,
  hypervolume,
  hypervolumeContributions,
  hypervolumeHistory,
  minimizedVector,
  nonDominatedFronts,
  nonDominatedRanks,
  paretoFront,
  resumableHypervolumeHistory,
  type Point,
} from '../../../src/core/search/pareto';

const SEED = 20240614;

/** Random points on a coarse grid, so ties and duplicates are common. */
function randomPoints(rng: Rng, n: number, m: number, levels = 6): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(levels) / levels));
}

/** Rank by definition: peel the non-dominated set again and again. */
function bruteRanks(points: number[][]): number[] {
  const ranks = points.map(() => -1);
  for (let r = 0; ranks.includes(-1); r++) {
    const left = points.map((_, i) => i).filter(i => ranks[i] === -1);
    for (const i of left) if (!left.some(j => j !== i && dominates(points[j], points[i]))) ranks[i] = r;
  }
  return ranks;
}

/** Inclusion–exclusion over every subset: exact, independent of the sweep algorithms (n ≤ 12). */
function bruteHypervolume(points: number[][], ref: number[]): number {
  const inside = points.filter(p => p.every((v, k) => v < ref[k]));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const corner = ref.map(() => -Infinity);
    let size = 0;
    inside.forEach((p, i) => {
      if (mask & (1 << i)) {
        size++;
        p.forEach((v, k) => (corner[k] = Math.max(corner[k], v)));
      }
    });
    const box = corner.reduce((acc, v, k) => acc * (ref[k] - v), 1);
    total += size % 2 ? box : -box;
  }
  return total;
}

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b} (seed ${SEED})`);
}

describe('pareto: dominance and sorting', () => {
  it('dominates needs strictly better somewhere and never worse', () => {
    assert.equal(dominates([1, 2], [2, 2]), true);
    assert.equal(dominates([1, 2], [1, 2]), false);
    assert.equal(dominates([1, 3], [2, 2]), false);
    assert.equal(dominates([0, 0, 0], [0, 0, 1]), true);
  });

  it('minimizedVector turns maximised objectives around', () => {
    assert.deepEqual(minimizedVector([0.9, 12], ['maximize', 'minimize']), [-0.9, 12]);
  });

  for (const m of [2, 3, 4]) {
    it(`ranks equal the peeling definition (${m} objectives, ties and duplicates, seeded)`, () => {
      const rng = new Rng(SEED + m);
      for (let round = 0; round < 40; round++) {
        const points = randomPoints(rng, 1 + rng.int(60), m);
        assert.deepEqual(Array.from(nonDominatedRanks(points)), bruteRanks(points), `seed ${SEED + m}, round ${round}`);
        // The front alone (its own faster scan) is the rank-0 set.
        const rank0 = bruteRanks(points).flatMap((r, i) => (r === 0 ? [i] : []));
        assert.deepEqual(paretoFront(points), rank0, `front: seed ${SEED + m}, round ${round}`);
      }
    });
  }

  it('fronts and the Pareto front list indices best first; equal points share a front', () => {
    const pts = [
      [1, 5],
      [2, 2],
      [2, 2],
      [5, 1],
      [3, 3],
      [6, 6],
    ];
    assert.deepEqual(paretoFront(pts), [0, 1, 2, 3]);
    assert.deepEqual(nonDominatedFronts(pts), [[0, 1, 2, 3], [4], [5]]);
    assert.deepEqual(paretoFront([]), []);
  });

  it('crowding distance: extremes infinite, interior the normalised neighbour gaps', () => {
    const pts = [
      [0, 4],
      [1, 3],
      [3, 1],
      [4, 0],
    ];
    const d = crowdingDistance(pts, [0, 1, 2, 3]);
    assert.equal(d[0], Infinity);
    assert.equal(d[3], Infinity);
    close(d[1], (3 - 0) / 4 + (4 - 1) / 4, 'member 1');
    close(d[2], (4 - 1) / 4 + (3 - 0) / 4, 'member 2');
    // An objective with one value everywhere adds nothing.
    assert.deepEqual(Array.from(crowdingDistance([[1, 1], [1, 2], [1, 3]], [0, 1, 2])), [Infinity, 1, Infinity]);
  });
});

describe('pareto: hypervolume', () => {
  it('is exact on known fronts', () => {
    // Staircase (1,3) (2,2) (3,1) under (4,4): 3 + 2 + 1 = 6.
    assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]), 6);
    // One box.
    assert.equal(hypervolume([[1, 1, 1]], [2, 3, 4]), 1 * 2 * 3);
    // Two overlapping boxes in 3-D: 8 + 8 − 4.
    assert.equal(hypervolume([[0, 0, 1], [0, 1, 0]], [2, 2, 2]), 2 * 2 * 1 + 2 * 1 * 2 - 2 * 1 * 1);
    // Points outside the reference add nothing; a dominated point adds nothing.
    assert.equal(hypervolume([[5, 0], [1, 1], [2, 2]], [3, 3]), 4);
    // The true ZDT1 front x ↦ 1 − √x under (11, 11) tends to 121 − 1/3.
    const zdt = Array.from({ length: 20001 }, (_, i) => [i / 20000, 1 - Math.sqrt(i / 20000)]);
    assert.ok(Math.abs(hypervolume(zdt, [11, 11]) - (121 - 1 / 3)) < 1e-3);
    // The DTLZ2 octant of the unit sphere under (2.5, 2.5, 2.5) tends to 15.625 − π/6 (from below).
    const sphere: number[][] = [];
    for (let i = 0; i <= 60; i++) for (let j = 0; j <= 60; j++) {
      const a = (i / 60) * (Math.PI / 2);
      const b = (j / 60) * (Math.PI / 2);
      sphere.push([Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b), Math.sin(a)]);
    }
    const hv = hypervolume(sphere, [2.5, 2.5, 2.5]);
    assert.ok(hv < 15.625 - Math.PI / 6 && hv > 15.625 - Math.PI / 6 - 0.05, `sphere ${hv}`);
  });

  for (const m of [2, 3, 4]) {
    it(`equals inclusion–exclusion on random sets (${m} objectives, seeded)`, () => {
      const rng = new Rng(SEED * 3 + m);
      for (let round = 0; round < 60; round++) {
        const pts = Array.from({ length: 1 + rng.int(m === 4 ? 8 : 11) }, () => Array.from({ length: m }, () => (round % 2 ? rng.int(5) / 4 : rng.next())));
        const ref = Array.from({ length: m }, () => 1 + rng.next() * 0.2);
        close(hypervolume(pts, ref), bruteHypervolume(pts, ref), `round ${round}`);
      }
    });

    it(`contributions are HV(S) − HV(S without the point) (${m} objectives, seeded)`, () => {
      const rng = new Rng(SEED * 5 + m);
      for (let round = 0; round < 30; round++) {
        const pts = Array.from({ length: 1 + rng.int(9) }, () => Array.from({ length: m }, () => rng.int(6) / 5));
        const ref = Array.from({ length: m }, () => 1.1);
        const c = hypervolumeContributions(pts, ref);
        const total = hypervolume(pts, ref);
        pts.forEach((_, i) => close(c[i], total - hypervolume(pts.filter((__, j) => j !== i), ref), `round ${round} point ${i}`));
      }
    });
  }

  it('history is monotone and equals the volume of every prefix (seeded)', () => {
    const rng = new Rng(SEED * 7);
    for (const m of [2, 3]) {
      const pts = Array.from({ length: 80 }, () => Array.from({ length: m }, () => rng.next()));
      const ref = pts[0].map(() => 1);
      const history = hypervolumeHistory(pts, ref);
      pts.forEach((_, i) => close(history[i], hypervolume(pts.slice(0, i + 1), ref), `prefix ${i}`));
      for (let i = 1; i < history.length; i++) assert.ok(history[i] >= history[i - 1]);
    }
  });

  for (const m of [2, 3, 4]) {
    it(`incremental history equals inclusion–exclusion after every point (${m} objectives, ties, duplicates, points beyond the reference; seeded)`, () => {
      const rng = new Rng(SEED * 11 + m);
      for (let round = 0; round < 40; round++) {
        // Coarse grid values so that ties, equal points and points on the reference are common.
        const pts = Array.from({ length: 1 + rng.int(m === 4 ? 9 : 12) }, () => Array.from({ length: m }, () => (round % 2 ? rng.int(6) / 4 : rng.next() * 1.2)));
        const ref = Array.from({ length: m }, () => 1);
        const history = hypervolumeHistory(pts, ref);
        pts.forEach((_, i) => close(history[i], bruteHypervolume(pts.slice(0, i + 1), ref), `round ${round}, prefix ${i}`));
      }
    });

    it(`incremental history equals the sweep on every prefix of a long run (${m} objectives, seeded)`, () => {
      const rng = new Rng(SEED * 13 + m);
      // Points drifting towards the origin, so the front keeps changing and members get dominated.
      const pts = Array.from({ length: 400 }, (_, i) => Array.from({ length: m }, () => rng.next() * (1 - i / 500) + (rng.int(4) === 0 ? 0.5 : 0)));
      const ref = Array.from({ length: m }, () => 1.1);
      const history = hypervolumeHistory(pts, ref);
      for (let i = 0; i < pts.length; i += m === 4 ? 37 : 7) close(history[i], hypervolume(pts.slice(0, i + 1), ref), `prefix ${i}`);
      close(history[pts.length - 1], hypervolume(pts, ref), 'all');
    });
  }

  for (const m of [2, 3, 4]) {
    it(`a resumed history equals the history from scratch, value for value, and keeps what precedes the change (${m} objectives, seeded)`, () => {
      const rng = new Rng(SEED * 17 + m);
      const ref = Array.from({ length: m }, () => 1.05);
      let points = randomPoints(rng, 1500, m, 40);
      let history = resumableHypervolumeHistory(points, ref);
      assert.deepEqual([...history.values], [...hypervolumeHistory(points, ref)]);
      for (let round = 0; round < 12; round++) {
        // What a live study does: trials change values (running → complete), new ones arrive, a middle one appears.
        const next = points.map(p => [...p]);
        const kind = round % 3;
        const at = kind === 2 ? rng.int(next.length) : next.length - 1 - rng.int(300);
        if (kind === 0) for (let k = 0; k < 50; k++) next[Math.min(next.length - 1, at + rng.int(40))] = Array.from({ length: m }, () => rng.int(40) / 40);
        else if (kind === 1) next.push(...randomPoints(rng, 100, m, 40));
        else next.splice(at, 0, Array.from({ length: m }, () => rng.int(40) / 40));
        const first = next.findIndex((p, i) => !points[i] || p.some((v, k) => v !== points[i][k]));
        const resumed = resumableHypervolumeHistory(next, ref, history);
        assert.deepEqual([...resumed.values], [...hypervolumeHistory(next, ref)], `round ${round} (seed ${SEED})`);
        // The state before the change is the previous history's own: it was not recomputed.
        const before = history.checkpoints.filter(c => c.count <= first);
        assert.ok(before.length >= 1);
        before.forEach((c, k) => assert.equal(resumed.checkpoints[k], c, `round ${round}: checkpoint ${c.count} kept`));
        points = next;
        history = resumed;
      }
      // Another reference point (a new worst value): everything is measured again against it.
      const wider = ref.map(r => r + 0.5);
      const again = resumableHypervolumeHistory(points, wider, history);
      assert.deepEqual([...again.values], [...hypervolumeHistory(points, wider)]);
      assert.notEqual(again.checkpoints[0], history.checkpoints[0]);
    });
  }

  it('default reference point lies beyond the worst value of each objective', () => {
    const ref = defaultReferencePoint([
      [1, 10],
      [3, 10],
    ] as Point[]);
    assert.deepEqual(ref, [3.2, 11]);
    assert.ok(hypervolume([[1, 10], [3, 10]], ref) > 0);
  });
});
