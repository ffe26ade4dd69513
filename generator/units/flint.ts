/**
 * flint weights (docs/units.md): the 4-bit "float-int" weight type of ANT (Guo et al., "ANT:
 * Exploiting Adaptive Numerical Data Type for Low-bit Deep Neural Network Quantization", MICRO
 * 2022), whose integer value grid is int-like near zero and float-like at large magnitudes:
 *   unsigned: {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 24, 32, 64}
 *   signed:   a sign bit and the 3-bit magnitude grid {0, 1, 2, 3, 4, 6, 8, 16}.
 * The weight's signedness picks the grid. A level that does not fit the weight's precision is not
 * used.
 *
 * Host weight mapping (`mapWeight`): the representable level nearest to w, a tie going to the
 * smaller magnitude: the weight-grid rule shared with PoT / APoT (levels.ts). The weight edge of
 * the array applies the same mapping (a table over the weight's 2^W values) while decoding the
 * level into (mantissa, shift) with level = mantissa·2^shift, mantissa ≤ 7; the PE forms
 * (a·mantissa) << shift, a small exact multiply (A × 3 bits) and a shift, negated for a negative
 * weight.
 *
 * The 4-bit code of a level (`flintCode`, for a host that stores weights as flint): codes in
 * increasing order of value (unsigned: code i is the i-th grid value; signed: {sign, index of the
 * magnitude}, code 1000 also meaning 0). ANT's own bit assignment was not found in the sources
 * available here; the unsigned order equals a first-one exponent code (0xxx int, 10xx ×2, 110x ×8,
 * 1110 = 32, 1111 = 64).
 */
import type { FromSchema } from 'json-schema-to-ts';
import { FLINT_CUTS, flintRtl } from './flint-rtl.js';
import { gridLevels, gridProductRange, gridWeightRules, nearestLevel } from './levels.js';
import { defineUnit, type OperandSpec, type UnitContext } from './types.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const flintSchema = {
  type: 'object',
  title: 'flint weights (ANT)',
  description:
    'The 4-bit flint weight type of ANT (Guo et al., MICRO 2022): unsigned levels {0..8, 10, 12, 14, 16, 24, 32, 64}, ' +
    "signed ± {0, 1, 2, 3, 4, 6, 8, 16} (the weight's signedness picks the grid). The host maps a weight to the nearest " +
    'level (ties to the smaller magnitude); the PE multiplies by a 3-bit mantissa and shifts. Weights of at most 10 bits.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'flint', description: 'flint weights (ANT, MICRO 2022).' },
  },
} as const;

export type FlintParams = FromSchema<typeof flintSchema, { keepDefaultedPropertiesOptional: true }>;
export type FlintResolved = FromSchema<typeof flintSchema>;

/** DSL helper: `multiplier: flint()`. */
export function flint(p: Omit<FlintParams, 'kind'> = {}): FlintParams {
  return { kind: 'flint', ...p };
}

/** The unsigned 4-bit flint grid, in code order (ANT, MICRO 2022). */
export const FLINT_UNSIGNED = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 24, 32, 64] as const;
/** The 3-bit magnitude grid of signed flint, in code order. */
export const FLINT_SIGNED_MAGNITUDES = [0, 1, 2, 3, 4, 6, 8, 16] as const;

const levelCache = new Map<string, readonly number[]>();

/** The flint levels representable in `weight`'s precision, ascending (computed once per precision). */
export function flintLevels(weight: OperandSpec): readonly number[] {
  const key = `${weight.bits}${weight.signed ? 's' : 'u'}`;
  let l = levelCache.get(key);
  if (!l) {
    l = gridLevels(weight.signed ? FLINT_SIGNED_MAGNITUDES : FLINT_UNSIGNED, weight);
    levelCache.set(key, l);
  }
  return l;
}

/** Host mapping: the level nearest to w, ties to the smaller magnitude (levels.ts). */
export function flintMapWeight(w: number, ctx: UnitContext): number {
  return nearestLevel(w, flintLevels(ctx.weight));
}

/** Golden model: a times the weight's flint level (a level maps to itself). */
export function flintMultiply(a: number, w: number, ctx: UnitContext): number {
  return a * flintMapWeight(w, ctx) + 0;
}

/** A level magnitude as mantissa·2^shift with mantissa ≤ 7 and the smallest such shift. Throws for a value off the grid. */
export function flintDecode(m: number): { mantissa: number; shift: number } {
  for (let shift = 0; shift <= 6; shift++) {
    const mantissa = m / 2 ** shift;
    if (Number.isInteger(mantissa) && mantissa <= 7) return { mantissa, shift };
  }
  throw new Error(`internal: ${m} is not a flint magnitude`);
}

/** The 4-bit flint code of a grid value (`signed` picks the grid). Throws for a value off the grid. */
export function flintCode(v: number, signed: boolean): number {
  const grid: readonly number[] = signed ? FLINT_SIGNED_MAGNITUDES : FLINT_UNSIGNED;
  const i = grid.indexOf(Math.abs(v));
  if (i < 0 || (!signed && v < 0)) throw new Error(`${v} is not a ${signed ? 'signed' : 'unsigned'} flint value`);
  return signed && v < 0 ? 8 + i : i;
}

/** The value of a 4-bit flint code. */
export function flintValue(code: number, signed: boolean): number {
  if (!signed) return FLINT_UNSIGNED[code & 15]!;
  const m = FLINT_SIGNED_MAGNITUDES[code & 7]!;
  return code & 8 ? -m + 0 : m;
}

export const flintUnit = defineUnit({
  kind: 'flint',
  schema: flintSchema,
  dsl: flint,
  samples: {
    regress: [{}],
    exhaustive: [
      { activation: U(8), weight: U(8), params: {} },
      { activation: S(8), weight: S(8), params: {} },
      { activation: U(8), weight: S(6), params: {} },
      { activation: S(8), weight: U(7), params: {} },
    ],
  },
  describe: () => 'flint',
  rules: (_p: FlintResolved, ctx: UnitContext) => gridWeightRules('flint', ctx),
  mapWeight: (w: number, _p: FlintResolved, ctx: UnitContext) => flintMapWeight(w, ctx),
  multiply: (a: number, w: number, _p: FlintResolved, ctx: UnitContext) => flintMultiply(a, w, ctx),
  productRange: (_p: FlintResolved, ctx: UnitContext) => gridProductRange(ctx.activation, flintLevels(ctx.weight)),
  cuts: () => FLINT_CUTS,
  rtl: (_p: FlintResolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    flintRtl(ctx, prefix, header, stages),
});
