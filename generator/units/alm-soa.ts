/**
 * ALM-SOA: Liu et al.'s approximate logarithmic multiplier with a set-one adder (TCAS-I 2018;
 * docs/units.md). Mitchell's log words L = k·2^F + x (k the leading-one position, x the F = N−1
 * fraction bits, N the wider operand width) are added by an approximate adder whose low M sum bits
 * are all ones and whose upper part is the exact sum of the operands' upper parts (L >> M) plus a
 * carry-in, the AND of both operands' bit M−1. The antilog and floor are Mitchell's; a zero operand
 * gives 0. Signed operands are sign-magnitude. The per-operand work (leading one, fraction) is
 * Mitchell's encoder, so with share=true it sits at the array edge.
 */
import { logCuts } from './logrtl.js';
import type { FromSchema } from 'json-schema-to-ts';
import { almSoaRtl } from './alm-soa-rtl.js';
import { coreMax, leadingOne, rangeFromCore, shareSchema, signedProduct, unitRange } from './logcore.js';
import { antilog } from './mitchell.js';
import { defineUnit, type ProductRange, type UnitContext } from './types.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const almSoaSchema = {
  type: 'object',
  title: 'ALM-SOA logarithmic multiplier',
  description:
    'Liu et al. (TCAS-I 2018): Mitchell with a set-one adder on the log words {k, x}: the low M sum bits are 1, the ' +
    "upper part adds the operands' upper parts plus the AND of both operands' bit M−1. Signed operands are " +
    'sign-magnitude. 8-bit unsigned MRE 3.532 / 3.253 / 3.085 % for M = 1 / 2 / 3.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'alm-soa', description: 'Approximate logarithmic multiplier with a set-one adder.' },
    M: {
      type: 'integer',
      minimum: 1,
      maximum: 15,
      default: 3,
      description:
        'Low bits of the log-word sum set to one, 1..N−1 (N the wider operand width). Larger M is a shorter exact adder.',
    },
    share: shareSchema,
  },
} as const;

/** Params as written (defaulted keys optional). */
export type AlmSoaParams = FromSchema<typeof almSoaSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: every defaulted field filled. */
export type AlmSoaResolved = FromSchema<typeof almSoaSchema>;

/** DSL helper: `multiplier: almSoa({ M: 2 })` (exported as `unit['alm-soa']` too). */
export function almSoa(p: Omit<AlmSoaParams, 'kind'> = {}): AlmSoaParams {
  return { kind: 'alm-soa', ...p };
}

/** Fraction bits of the log word: F = N − 1, N = max(activation.bits, weight.bits) (no truncation). */
export const almSoaFraction = (ctx: UnitContext): number => Math.max(ctx.activation.bits, ctx.weight.bits) - 1;

/** Mitchell's log word of a magnitude A ≥ 1: k·2^F + (A − 2^k)·2^(F−k), k = floor(log2 A). */
export function logWord(A: number, F: number): number {
  const k = leadingOne(A);
  return k * 2 ** F + (A - 2 ** k) * 2 ** (F - k);
}

/** The set-one adder: upper part floor(La/2^M) + floor(Lb/2^M) + (La[M−1] & Lb[M−1]), low M bits all ones. */
export function setOneAdd(La: number, Lb: number, M: number): number {
  const bit = (v: number, i: number) => Math.floor(v / 2 ** i) % 2;
  const hi = Math.floor(La / 2 ** M) + Math.floor(Lb / 2 ** M) + (bit(La, M - 1) & bit(Lb, M - 1));
  return hi * 2 ** M + (2 ** M - 1);
}

/** Mitchell's antilog of a log word S (F fraction bits), floored: floor(2^K·(1 + f/2^F)). */
const antilogWord = (S: number, F: number): number => antilog(Math.floor(S / 2 ** F), S % 2 ** F, F, 'none');

/** The unsigned core on magnitudes (0 when either is 0). */
export function almSoaCore(A: number, B: number, M: number, F: number): number {
  if (A === 0 || B === 0) return 0;
  return antilogWord(setOneAdd(logWord(A, F), logWord(B, F), M), F);
}

export function almSoaMultiply(a: number, w: number, p: AlmSoaResolved, ctx: UnitContext): number {
  const F = almSoaFraction(ctx);
  return signedProduct(a, w, 'sign-magnitude', (x, y) => almSoaCore(x, y, p.M, F));
}

/** Proven core bound for wide operands: the antilog is nondecreasing in S, and S is at most the set-one sum of the largest log words. */
function coreBound(p: AlmSoaResolved, ctx: UnitContext): number {
  const F = almSoaFraction(ctx);
  // Largest log word of an n-bit magnitude (≤ 2^n − 1, or 2^(n−1) signed): k = n − 1, every fraction bit set.
  const top = (bits: number) => (bits - 1) * 2 ** F + 2 ** F - 1;
  return antilogWord(setOneAdd(top(ctx.activation.bits), top(ctx.weight.bits), p.M), F);
}

/** Largest output of the unsigned core (exhaustive when n_a + n_w ≤ 20). */
export function almSoaCoreMax(p: AlmSoaResolved, ctx: UnitContext): number {
  const F = almSoaFraction(ctx);
  return coreMax(
    ['alm-soa', p],
    ctx,
    'sign-magnitude',
    (a, b) => almSoaCore(a, b, p.M, F),
    () => coreBound(p, ctx),
  );
}

function almSoaRange(p: AlmSoaResolved, ctx: UnitContext): ProductRange {
  return unitRange(
    ['alm-soa', p],
    ctx,
    (a, w) => almSoaMultiply(a, w, p, ctx),
    () => rangeFromCore(almSoaCoreMax(p, ctx), ctx, 'sign-magnitude'),
  );
}

export const almSoaUnit = defineUnit({
  kind: 'alm-soa',
  schema: almSoaSchema,
  dsl: almSoa,
  samples: {
    regress: [{ M: 3 }, { M: 2, share: false }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: { M: 1 } },
      { activation: U(8), weight: U(8), params: { M: 3, share: false } },
      { activation: S(8), weight: S(8), params: { M: 2 } },
      { activation: U(6), weight: S(8), params: { M: 7 } },
    ],
    metrics: [{ M: 1 }, { M: 2 }, { M: 3 }, { M: 4 }],
    area: [{ M: 1 }, { M: 3 }],
  },
  describe: (p: AlmSoaResolved) => `alm-soa(M=${p.M}${p.share ? '' : ', share=false'})`,
  rules(p: AlmSoaResolved, ctx: UnitContext) {
    const F = almSoaFraction(ctx);
    return p.M > F ? [{ path: 'multiplier.M', message: `at most ${F} (N−1, the log word's fraction bits)` }] : [];
  },
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: AlmSoaResolved, ctx: UnitContext) => almSoaMultiply(a, w, p, ctx),
  productRange: (p: AlmSoaResolved, ctx: UnitContext) => almSoaRange(p, ctx),
  cuts: (p: AlmSoaResolved) => logCuts(p.share, 'antilog'),
  // Carry-save partial sum (units/carry-save.ts): the product leaves the antilog shifter with every bit at once.
  sumChains: 3,
  rtl: (p: AlmSoaResolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    almSoaRtl(p, ctx, almSoaRange(p, ctx), prefix, header, stages),
});
