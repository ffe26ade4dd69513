/** Seeded operands: the same seed gives the same matrices on every machine. */
import { operandRange } from '../generator/units/common.js';
import type { OperandSpec } from '../generator/units/types.js';

export { rng } from '../generator/model/rng.js';

export function randomMatrix(
  rows: number,
  cols: number,
  spec: OperandSpec,
  next: () => number,
  zeroShare = 0,
): number[][] {
  const { min, max } = operandRange(spec);
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (next() < zeroShare ? 0 : min + Math.floor(next() * (max - min + 1)))),
  );
}
