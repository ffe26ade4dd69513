/** Seeded operands: the same seed gives the same matrices on every machine. */
import { operandRange } from '../generator/units/common.js';
import type { OperandSpec } from '../generator/units/types.js';

/** mulberry32: small, fast, and fully determined by its 32-bit seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomMatrix(rows: number, cols: number, spec: OperandSpec, next: () => number, zeroShare = 0): number[][] {
  const { min, max } = operandRange(spec);
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (next() < zeroShare ? 0 : min + Math.floor(next() * (max - min + 1)))),
  );
}
