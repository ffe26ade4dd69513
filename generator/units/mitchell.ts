/**
 * Mitchell's logarithmic multiplier and its variants (docs/units.md): fraction truncation (Mitch-w),
 * unbias (half-LSB after truncation), bias compensation (MBM constant), signed operands in
 * sign-magnitude or one's complement.
 */
import { aOrAn } from '../infra/text.js';
import type { FromSchema } from 'json-schema-to-ts';
import { defineUnit, type ProductRange, type RuleIssue, type UnitContext } from './types.js';
import {
  coreMax,
  leadingOne,
  rangeFromCore,
  shareSchema,
  signedModeSchema,
  signedProduct,
  unitRange,
  type SignedMode,
} from './logcore.js';
import { mitchellCuts, mitchellRtl } from './mitchell-rtl.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const mitchellSchema = {
  type: 'object',
  title: 'Mitchell logarithmic multiplier',
  description:
    'Mitchell (1962): log2 x ≈ k + fraction, add the logs, antilog 2^(K+f) ≈ 2^K·(1+f). A zero operand gives 0. ' +
    'Variants: truncated fraction (Mitch-w), unbias, bias compensation; see docs/config.md and docs/units.md.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'mitchell', description: 'Mitchell logarithmic multiplier.' },
    fractionBits: {
      type: 'integer',
      minimum: 1,
      maximum: 15,
      description:
        "Fraction bits t kept of each operand's logarithm, 1..N−1 with N = max(activation.bits, weight.bits). " +
        'Default N−1: no truncation. Fewer bits: smaller adder and shifter, larger error (floor truncation).',
    },
    unbias: {
      type: 'boolean',
      default: false,
      description:
        'After truncating, append a 1 below the kept fraction bits (a half LSB) to pull the mean error toward 0. ' +
        'Only meaningful with truncation: true with fractionBits = N−1 is an error.',
    },
    compensation: {
      enum: ['none', 'bias'],
      default: 'none',
      description:
        '"bias": add the constant 2^−4 + 2^−6 of the fraction scale to the mantissa (half of it after a carry), the ' +
        'MBM idea; needs a working fraction of at least 4 bits (fractionBits, +1 with unbias).',
    },
    signedMode: signedModeSchema,
    share: shareSchema,
  },
} as const;

/** Params as written (defaulted keys optional); the resolved config has them filled in. */
export type MitchellParams = FromSchema<typeof mitchellSchema, { keepDefaultedPropertiesOptional: true }>;
/**
 * Params of a resolved config: the normalizer filled the schema defaults (ajv) and fractionBits
 * (`normalize` below). The unit's model and RTL take only these, so no default is written twice.
 */
type Resolved = FromSchema<typeof mitchellSchema> & { fractionBits: number };

/** DSL helper: `multiplier: mitchell({ fractionBits: 4 })`. */
export function mitchell(p: Omit<MitchellParams, 'kind'> = {}): MitchellParams {
  return { kind: 'mitchell', ...p };
}

const fullFraction = (ctx: UnitContext) => Math.max(ctx.activation.bits, ctx.weight.bits) - 1;

/** Working fraction width F of the adder: t, or t+1 with unbias. */
export function workingFraction(p: Resolved): number {
  return p.fractionBits + (p.unbias ? 1 : 0);
}

/** C_F = floor(10·2^(F−7)): 2^−4 + 2^−6 in fraction units. */
export const compensationConstant = (F: number) => Math.floor(10 * 2 ** (F - 7));

/**
 * Antilog of K + S/2^F as defined in docs/units.md (plain, or with bias compensation), floored.
 * Exported for the range bound; the model below uses it too, since it is the definition.
 */
export function antilog(K: number, S: number, F: number, compensation: 'none' | 'bias'): number {
  const one = 2 ** F;
  const carry = S >= one;
  const f = carry ? S - one : S;
  let mant = one + f;
  if (compensation === 'bias') {
    const C = compensationConstant(F);
    if (!carry) mant += C;
    else if (f + Math.floor(C / 2) < one) mant += Math.floor(C / 2);
  }
  return Math.floor((mant * 2 ** (K + (carry ? 1 : 0))) / one);
}

/** The unsigned core on magnitudes, written from the definition. */
export function mitchellCore(A: number, B: number, p: Resolved, ctx: UnitContext): number {
  if (A === 0 || B === 0) return 0;
  const Ffull = fullFraction(ctx);
  const kA = leadingOne(A);
  const kB = leadingOne(B);
  const mA = A - 2 ** kA;
  const mB = B - 2 ** kB;
  // Fractions aligned to F = N−1 bits (no bit lost), then truncated to t bits (floor).
  const t = p.fractionBits;
  let xA = Math.floor((mA * 2 ** (Ffull - kA)) / 2 ** (Ffull - t));
  let xB = Math.floor((mB * 2 ** (Ffull - kB)) / 2 ** (Ffull - t));
  let F = t;
  if (p.unbias) {
    xA = 2 * xA + 1;
    xB = 2 * xB + 1;
    F = t + 1;
  }
  return antilog(kA + kB, xA + xB, F, p.compensation);
}

/** Proven core bound for wide operands: the antilog is nondecreasing in K, so take the largest K and every S. */
function coreBound(p: Resolved, ctx: UnitContext): number {
  const F = workingFraction(p);
  const K = ctx.activation.bits - 1 + (ctx.weight.bits - 1);
  let best = 0;
  for (let S = 0; S <= 2 * (2 ** F - 1); S++) best = Math.max(best, antilog(K, S, F, p.compensation));
  return best;
}

export function mitchellCoreMax(p: Resolved, ctx: UnitContext): number {
  return coreMax(
    p,
    ctx,
    p.signedMode as SignedMode,
    (a, b) => mitchellCore(a, b, p, ctx),
    () => coreBound(p, ctx),
  );
}

/** True product range: exhaustive when n_a + n_w ≤ 20, else the proven core bound with the signed convention. */
export function mitchellRange(r: Resolved, ctx: UnitContext): ProductRange {
  return unitRange(
    ['mitchell', r],
    ctx,
    (a, w) => mitchellMultiply(a, w, r, ctx),
    () => rangeFromCore(mitchellCoreMax(r, ctx), ctx, r.signedMode),
  );
}

export function mitchellMultiply(a: number, w: number, p: Resolved, ctx: UnitContext): number {
  return signedProduct(a, w, p.signedMode, (x, y) => mitchellCore(x, y, p, ctx));
}

export const mitchellUnit = defineUnit({
  kind: 'mitchell',
  schema: mitchellSchema,
  dsl: mitchell,
  samples: {
    regress: [
      {},
      { fractionBits: 3, unbias: true },
      { compensation: 'bias', signedMode: 'ones-complement', share: false },
    ],
    exhaustive: [
      { activation: U(8), weight: U(8), params: {} },
      { activation: U(8), weight: U(8), params: { fractionBits: 4 } },
      { activation: U(8), weight: U(8), params: { fractionBits: 4, unbias: true } },
      { activation: U(8), weight: U(8), params: { fractionBits: 2, share: false } },
      { activation: U(8), weight: U(8), params: { compensation: 'bias' } },
      { activation: U(8), weight: U(8), params: { fractionBits: 5, unbias: true, compensation: 'bias', share: false } },
      { activation: S(8), weight: S(8), params: {} },
      { activation: S(8), weight: S(8), params: { signedMode: 'ones-complement' } },
      {
        activation: S(8),
        weight: S(8),
        params: { fractionBits: 3, unbias: true, signedMode: 'ones-complement', share: false },
      },
      { activation: S(8), weight: S(8), params: { compensation: 'bias', share: false } },
      { activation: S(8), weight: U(8), params: { fractionBits: 6, signedMode: 'ones-complement' } },
      { activation: U(6), weight: S(10), params: { fractionBits: 4, compensation: 'bias' } },
      { activation: S(2), weight: U(3), params: { fractionBits: 1, signedMode: 'ones-complement' } },
      { activation: U(5), weight: U(5), params: { compensation: 'bias' } }, // F = 4: C = 1, C/2 = 0
      // above 20 operand bits: corners plus seeded random pairs
      {
        activation: S(12),
        weight: S(12),
        params: { fractionBits: 9, unbias: true, compensation: 'bias', share: false },
      },
      { activation: U(16), weight: S(16), params: { signedMode: 'ones-complement' } },
    ],
    metrics: [
      {},
      { fractionBits: 4 },
      { fractionBits: 4, unbias: true },
      { compensation: 'bias' },
      { signedMode: 'ones-complement' },
    ],
    area: [{}, { fractionBits: 4, unbias: true }, { compensation: 'bias' }],
  },
  // The one precision-dependent default: no truncation, F = N−1 (ajv has filled the static ones).
  normalize: (p: Resolved, ctx: UnitContext): Resolved => ({
    ...p,
    fractionBits: (p as MitchellParams).fractionBits ?? fullFraction(ctx),
  }),
  describe(p: Resolved) {
    const parts: string[] = [];
    if (p.fractionBits !== undefined) parts.push(`fractionBits=${p.fractionBits}`);
    if (p.unbias) parts.push('unbias');
    if (p.compensation === 'bias') parts.push('compensation=bias');
    if (p.signedMode === 'ones-complement') parts.push('ones-complement');
    if (p.share === false) parts.push('share=false');
    return `mitchell(${parts.join(', ')})`;
  },
  rules(r: Resolved, ctx: UnitContext): RuleIssue[] {
    const out: RuleIssue[] = [];
    const Ffull = fullFraction(ctx);
    if (r.fractionBits > Ffull) {
      out.push({
        path: 'multiplier.fractionBits',
        message: `at most ${Ffull} (N−1 with N = max(activation.bits, weight.bits) = ${Ffull + 1}): ${aOrAn(Ffull + 1)} ${Ffull + 1}-bit operand has only ${Ffull} fraction bits`,
      });
      return out;
    }
    if (r.unbias && r.fractionBits === Ffull) {
      out.push({
        path: 'multiplier.unbias',
        message: `false, or truncate first: unbias appends a half LSB after truncation and needs multiplier.fractionBits below ${Ffull} (it is ${r.fractionBits}, no truncation)`,
      });
    }
    if (r.compensation === 'bias' && workingFraction(r) < 4) {
      out.push({
        path: 'multiplier.compensation',
        message:
          `"none", or a working fraction of at least 4 bits: bias compensation needs F ≥ 4 but F = ${workingFraction(r)} ` +
          `(multiplier.fractionBits ${r.fractionBits}${r.unbias ? ' + 1 for unbias' : ''})` +
          (Ffull < 4
            ? `; with ${Ffull + 1}-bit operands use operands of at least 5 bits`
            : '; raise multiplier.fractionBits'),
      });
    }
    return out;
  },
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: Resolved, ctx: UnitContext) => mitchellMultiply(a, w, p, ctx),
  productRange: (p: Resolved, ctx: UnitContext) => mitchellRange(p, ctx),
  cuts: (p: Resolved) => mitchellCuts(p.share),
  // Carry-save partial sum (units/carry-save.ts): the product leaves the antilog shifter with every bit at once.
  sumChains: 3,
  rtl: (p: Resolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    mitchellRtl(p, ctx, mitchellRange(p, ctx), prefix, header, stages),
});

export type MitchellResolved = Resolved;
