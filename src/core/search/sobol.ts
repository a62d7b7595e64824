/**
 * Sobol' low-discrepancy sequence (Joe & Kuo 2008 "new-joe-kuo-6.21201" direction numbers, first 64
 * dimensions) with optional scrambling: a random linear matrix scramble plus a digital shift, which
 * keeps the (t, s)-net structure while making the points a seeded random sample of [0,1)^d.
 */
import { Rng } from './rng';

/**
 * Dimensions 2..64: [degree s, polynomial coefficients a, initial direction numbers m_1..m_s].
 * Dimension 1 is the van der Corput sequence (all m = 1).
 */
const JOE_KUO: ReadonlyArray<readonly [number, number, readonly number[]]> = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]],
  [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [7, 4, [1, 3, 7, 13, 13, 15, 69]],
  [7, 7, [1, 1, 3, 13, 7, 35, 63]],
  [7, 8, [1, 3, 5, 9, 1, 25, 53]],
  [7, 14, [1, 3, 1, 13, 9, 35, 107]],
  [7, 19, [1, 3, 1, 5, 27, 61, 31]],
  [7, 21, [1, 1, 5, 11, 19, 41, 61]],
  [7, 28, [1, 3, 5, 3, 3, 13, 69]],
  [7, 31, [1, 1, 7, 13, 1, 19, 1]],
  [7, 32, [1, 3, 7, 5, 13, 19, 59]],
  [7, 37, [1, 1, 3, 9, 25, 29, 41]],
  [7, 41, [1, 3, 5, 13, 23, 1, 55]],
  [7, 42, [1, 3, 7, 3, 13, 59, 17]],
  [7, 50, [1, 3, 1, 3, 5, 53, 69]],
  [7, 55, [1, 1, 5, 5, 23, 33, 13]],
  [7, 56, [1, 1, 7, 7, 1, 61, 123]],
  [7, 59, [1, 1, 7, 9, 13, 61, 49]],
  [7, 62, [1, 3, 3, 5, 3, 55, 33]],
  [8, 14, [1, 3, 1, 15, 31, 13, 49, 245]],
  [8, 21, [1, 3, 5, 15, 31, 59, 63, 97]],
  [8, 22, [1, 3, 1, 11, 11, 11, 77, 249]],
  [8, 38, [1, 3, 1, 11, 27, 43, 71, 9]],
  [8, 47, [1, 1, 7, 15, 21, 11, 81, 45]],
  [8, 49, [1, 3, 7, 3, 25, 31, 65, 79]],
  [8, 50, [1, 3, 1, 1, 19, 11, 3, 205]],
  [8, 52, [1, 1, 5, 9, 19, 21, 29, 157]],
  [8, 56, [1, 3, 7, 11, 1, 33, 89, 185]],
  [8, 67, [1, 3, 3, 3, 15, 9, 79, 71]],
  [8, 70, [1, 3, 7, 11, 15, 39, 119, 27]],
  [8, 84, [1, 1, 3, 1, 11, 31, 97, 225]],
  [8, 97, [1, 1, 1, 3, 23, 43, 57, 177]],
  [8, 103, [1, 3, 7, 7, 17, 17, 37, 71]],
  [8, 115, [1, 3, 1, 5, 27, 63, 123, 213]],
  [8, 122, [1, 1, 3, 5, 11, 43, 53, 133]],
  [9, 8, [1, 3, 5, 5, 29, 17, 47, 173, 479]],
  [9, 13, [1, 3, 3, 11, 3, 1, 109, 9, 69]],
  [9, 16, [1, 1, 1, 5, 17, 39, 23, 5, 343]],
  [9, 22, [1, 3, 1, 5, 25, 15, 31, 103, 499]],
  [9, 25, [1, 1, 1, 11, 11, 17, 63, 105, 183]],
  [9, 44, [1, 1, 5, 11, 9, 29, 97, 231, 363]],
  [9, 47, [1, 1, 5, 15, 19, 45, 41, 7, 383]],
  [9, 52, [1, 3, 7, 7, 31, 19, 83, 137, 221]],
  [9, 55, [1, 1, 1, 3, 23, 15, 111, 223, 83]],
  [9, 59, [1, 1, 5, 13, 31, 15, 55, 25, 161]],
  [9, 62, [1, 1, 3, 13, 25, 47, 39, 87, 257]],
];

export const SOBOL_MAX_DIMS = JOE_KUO.length + 1;
const BITS = 32;

function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = (1 << (31 - k)) >>> 0;
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1];
  for (let k = 0; k < BITS; k++) {
    if (k < s) {
      v[k] = (m[k] << (31 - k)) >>> 0;
    } else {
      // v_k = v_{k-s} xor (v_{k-s} >> s) xor sum_{i=1}^{s-1} a_i v_{k-i}   (a_i = bit s-1-i of a)
      let x = v[k - s] ^ (v[k - s] >>> s);
      for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
      v[k] = x >>> 0;
    }
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

export class Sobol {
  readonly dims: number;
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;

  constructor(dims: number, opts: { scramble?: boolean; seed?: number } = {}) {
    if (!Number.isInteger(dims) || dims < 1) throw new Error(`Sobol needs a positive integer dimension, got ${dims}`);
    if (dims > SOBOL_MAX_DIMS) throw new Error(`Sobol supports at most ${SOBOL_MAX_DIMS} dimensions, got ${dims}`);
    this.dims = dims;
    this.v = [];
    this.shift = new Uint32Array(dims);
    const rng = opts.scramble ? new Rng(opts.seed ?? 0) : undefined;
    for (let j = 0; j < dims; j++) {
      let v = directionNumbers(j);
      if (rng) {
        // Lower-triangular random binary matrix with unit diagonal applied to every direction
        // number: row r keeps digit r and mixes in random higher-order digits.
        const rows = new Uint32Array(BITS);
        for (let r = 0; r < BITS; r++) {
          const above = r === 0 ? 0 : (rng.nextU32() & ~((1 << (32 - r)) - 1)) >>> 0;
          rows[r] = (above | (1 << (31 - r))) >>> 0;
        }
        const scrambled = new Uint32Array(BITS);
        for (let k = 0; k < BITS; k++) {
          let out = 0;
          for (let r = 0; r < BITS; r++) if (parity(rows[r] & v[k])) out |= 1 << (31 - r);
          scrambled[k] = out >>> 0;
        }
        v = scrambled;
        this.shift[j] = rng.nextU32();
      }
      this.v.push(v);
    }
  }

  /** The point of index `i` (0-based) of the sequence, in [0,1)^dims. */
  point(i: number, out = new Float64Array(this.dims)): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= 2 ** BITS) throw new Error(`Sobol index out of range: ${i}`);
    const gray = (i ^ Math.floor(i / 2)) >>> 0;
    for (let j = 0; j < this.dims; j++) {
      const v = this.v[j];
      let x = this.shift[j];
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k];
      out[j] = (x >>> 0) / 4294967296;
    }
    return out;
  }
}
