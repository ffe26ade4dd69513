/**
 * Input sets shared by the error metrics and the standalone unit harness: every operand pair when
 * the two widths add up to at most EXHAUSTIVE_BITS, otherwise directed corner values plus seeded
 * random pairs (replayable from the seed).
 */
import { operandRange } from '../units/common.js';
import type { OperandSpec } from '../units/types.js';
import { rng } from '../model/rng.js';

/** Exhaustive whenever n_a + n_w ≤ 20 (EvoApproxLib convention, docs/units.md). */
export const EXHAUSTIVE_BITS = 20;

export const isExhaustive = (a: OperandSpec, w: OperandSpec) => a.bits + w.bits <= EXHAUSTIVE_BITS;

export { rng };

/** Every value of an operand, ascending. */
export function allValues(spec: OperandSpec): number[] {
  const r = operandRange(spec);
  const out: number[] = [];
  for (let v = r.min; v <= r.max; v++) out.push(v);
  return out;
}

/** Directed corners: 0, ±1, the extremes, ±powers of two and their neighbours, within range. */
export function cornerValues(spec: OperandSpec): number[] {
  const r = operandRange(spec);
  const set = new Set<number>([0, 1, -1, r.min, r.max, r.min + 1, r.max - 1]);
  for (let k = 0; k < spec.bits; k++) {
    const p = 2 ** k;
    for (const v of [p, p - 1, p + 1, -p, -p + 1, -p - 1]) set.add(v);
  }
  return [...set].filter((v) => v >= r.min && v <= r.max).sort((x, y) => x - y);
}

export interface PairSet {
  exhaustive: boolean;
  /** Seed of the random part (null when exhaustive). */
  seed: number | null;
  count: number;
  /** Directed corner pairs among them (0 when exhaustive); they come first. */
  corners: number;
  /** Calls f for every pair, in a fixed order, saying whether it is a directed corner pair. */
  forEach(f: (a: number, w: number, corner: boolean) => void): void;
}

/**
 * All pairs when exhaustive; otherwise every pair of corner values followed by `samples` seeded
 * uniform random pairs.
 */
export function pairSet(a: OperandSpec, w: OperandSpec, opts: { seed?: number; samples?: number } = {}): PairSet {
  if (isExhaustive(a, w)) {
    const av = allValues(a);
    const wv = allValues(w);
    return {
      exhaustive: true,
      seed: null,
      count: av.length * wv.length,
      corners: 0,
      forEach(f) {
        for (const x of av) for (const y of wv) f(x, y, false);
      },
    };
  }
  const seed = opts.seed ?? 1;
  const samples = opts.samples ?? 1_000_000;
  const ac = cornerValues(a);
  const wc = cornerValues(w);
  const ar = operandRange(a);
  const wr = operandRange(w);
  return {
    exhaustive: false,
    seed,
    count: ac.length * wc.length + samples,
    corners: ac.length * wc.length,
    forEach(f) {
      for (const x of ac) for (const y of wc) f(x, y, true);
      const next = rng(seed);
      for (let i = 0; i < samples; i++) {
        const x = ar.min + Math.floor(next() * (ar.max - ar.min + 1));
        const y = wr.min + Math.floor(next() * (wr.max - wr.min + 1));
        f(x, y, false);
      }
    },
  };
}
