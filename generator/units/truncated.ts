/**
 * Truncated (broken-array) multiplier (docs/units.md): the array multiplier of the operands'
 * magnitudes with every partial-product bit a_i·b_j of column i + j < t left out, optionally plus a
 * constant correction for the expected value of what was left out (the constant-correction
 * truncated multiplier of Schulte and Swartzlander, 1993). Signed operands are sign-magnitude. A
 * zero operand gives 0 (the correction is added only when both magnitudes are non-zero).
 */
import type { FromSchema } from 'json-schema-to-ts';
import { frontEnd, maxMagnitude, rangeFromCore, signedProduct, unitRange } from './logcore.js';
import { TRUNCATED_CUTS, truncatedRtl } from './truncated-rtl.js';
import { defineUnit, type ProductRange, type UnitContext } from './types.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const truncatedSchema = {
  type: 'object',
  title: 'truncated (broken-array) multiplier',
  description:
    'The product of the operand magnitudes with the partial-product bits of the t lowest columns left out ' +
    '(sign-magnitude for signed operands); `correction` adds the expected value of the dropped bits, rounded to a ' +
    'multiple of 2^t, when both operands are non-zero.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'truncated', description: 'Truncated (broken-array) multiplier.' },
    t: {
      type: 'integer',
      minimum: 0,
      maximum: 31,
      default: 6,
      description: 'Lowest partial-product columns dropped, 0..(n_a + n_w − 1) on the magnitudes; 0 is exact.',
    },
    correction: {
      type: 'boolean',
      default: false,
      description:
        'Add the constant expected loss (each dropped bit is 1 with probability 1/4), rounded to a multiple of 2^t, to every product of non-zero operands.',
    },
  },
} as const;

export type TruncatedParams = FromSchema<typeof truncatedSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: every defaulted field filled. */
export type TruncatedResolved = FromSchema<typeof truncatedSchema>;

/** DSL helper: `multiplier: truncated({ t: 6, correction: true })`. */
export function truncated(p: Omit<TruncatedParams, 'kind'> = {}): TruncatedParams {
  return { kind: 'truncated', ...p };
}

/** Bit i of a non-negative integer. */
const bit = (v: number, i: number): number => Math.floor(v / 2 ** i) % 2;

/** Magnitude widths of the two operands (n for unsigned and for sign-magnitude signed operands). */
export function magWidths(ctx: UnitContext): [number, number] {
  return [frontEnd(ctx.activation, 'sign-magnitude', 'a').magBits, frontEnd(ctx.weight, 'sign-magnitude', 'w').magBits];
}

/**
 * The correction constant: the expected sum of the dropped bits, Σ over i < na, j < nw, i + j < t
 * of 2^(i+j) / 4, rounded to the nearest multiple of 2^t (ties up). 0 when t = 0.
 */
export function truncCorrection(t: number, na: number, nw: number): number {
  if (t === 0) return 0;
  let e = 0;
  for (let i = 0; i < na; i++) for (let j = 0; j < nw; j++) if (i + j < t) e += 2 ** (i + j) / 4;
  return Math.floor(e / 2 ** t + 0.5) * 2 ** t;
}

/** The unsigned core, naively from the definition: the sum of the kept partial-product bits. */
export function truncatedCore(A: number, B: number, p: TruncatedResolved, na: number, nw: number): number {
  let s = 0;
  for (let i = 0; i < na; i++) for (let j = 0; j < nw; j++) if (i + j >= p.t) s += bit(A, i) * bit(B, j) * 2 ** (i + j);
  if (p.correction && A !== 0 && B !== 0) s += truncCorrection(p.t, na, nw);
  return s;
}

export function truncatedMultiply(a: number, w: number, p: TruncatedResolved, ctx: UnitContext): number {
  const [na, nw] = magWidths(ctx);
  return signedProduct(a, w, 'sign-magnitude', (x, y) => truncatedCore(x, y, p, na, nw));
}

/** A bound on the core: the exact product of the largest magnitudes plus the correction. */
export function truncatedCoreBound(p: TruncatedResolved, ctx: UnitContext): number {
  const [na, nw] = magWidths(ctx);
  return (
    maxMagnitude(ctx.activation, 'sign-magnitude') * maxMagnitude(ctx.weight, 'sign-magnitude') +
    (p.correction ? truncCorrection(p.t, na, nw) : 0)
  );
}

function truncatedRange(p: TruncatedResolved, ctx: UnitContext): ProductRange {
  return unitRange(
    ['truncated', p],
    ctx,
    (a, w) => truncatedMultiply(a, w, p, ctx),
    () => rangeFromCore(truncatedCoreBound(p, ctx), ctx, 'sign-magnitude'),
  );
}

export const truncatedUnit = defineUnit({
  kind: 'truncated',
  schema: truncatedSchema,
  dsl: truncated,
  samples: {
    regress: [{ t: 6 }, { t: 8, correction: true }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: { t: 4 } },
      { activation: U(8), weight: U(8), params: { t: 8, correction: true } },
      { activation: U(8), weight: U(8), params: { t: 15 } },
      { activation: S(8), weight: S(8), params: { t: 6 } },
      { activation: S(8), weight: S(8), params: { t: 9, correction: true } },
      { activation: U(6), weight: S(8), params: { t: 5, correction: true } },
    ],
    metrics: [{ t: 4 }, { t: 6 }, { t: 8 }, { t: 8, correction: true }, { t: 10, correction: true }],
    area: [{ t: 6 }, { t: 8, correction: true }],
  },
  describe: (p: TruncatedResolved) => `truncated(t=${p.t}${p.correction ? ', correction' : ''})`,
  rules(p: TruncatedResolved, ctx: UnitContext) {
    const n = ctx.activation.bits + ctx.weight.bits;
    return p.t >= n ? [{ path: 'multiplier.t', message: `below ${n} (n_a + n_w)` }] : [];
  },
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: TruncatedResolved, ctx: UnitContext) => truncatedMultiply(a, w, p, ctx),
  productRange: (p: TruncatedResolved, ctx: UnitContext) => truncatedRange(p, ctx),
  cuts: () => TRUNCATED_CUTS,
  rtl: (p: TruncatedResolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    truncatedRtl(p, ctx, truncatedRange(p, ctx), prefix, header, stages),
});
