/**
 * ILM: Babić, Avramović and Bulić's iterative logarithmic multiplier (docs/units.md). The basic block
 * P0(A,B) = 2^(kA+kB) + mA·2^kB + mB·2^kA (0 for a zero operand); each correction adds the basic
 * block of the two residues: P_i(A,B) = P0(A,B) + P_(i−1)(mA, mB). Every per-operand quantity of the
 * chain (k, m, then k and m of m, …) depends on one operand only, so with share=true the whole chain
 * is formed at the array edge and each PE keeps the shifters and adders of the i+1 basic blocks.
 */
import { logCuts } from './logrtl.js';
import type { FromSchema } from 'json-schema-to-ts';
import {
  coreMax,
  leadingOne,
  maxMagnitude,
  rangeFromCore,
  shareSchema,
  signedModeSchema,
  signedProduct,
  unitRange,
} from './logcore.js';
import { ilmRtl } from './ilm-rtl.js';
import { defineUnit, type ProductRange, type UnitContext } from './types.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const ilmSchema = {
  type: 'object',
  title: 'ILM iterative logarithmic multiplier',
  description:
    'Babić et al. (2011): the basic block 2^(kA+kB) + mA·2^kB + mB·2^kA plus `corrections` further basic blocks on ' +
    'the residues. Never overestimates; the worst relative error shrinks about 4× per correction.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'ilm', description: 'Iterative logarithmic multiplier.' },
    corrections: {
      type: 'integer',
      minimum: 0,
      maximum: 3,
      default: 1,
      description:
        'Correction terms i after the basic block, 0..3 (8-bit worst relative error 24.8 %, 6.10 %, 1.48 %, 0.35 %). Each is one more basic block per PE.',
    },
    signedMode: signedModeSchema,
    share: shareSchema,
  },
} as const;

/** Params as written (defaulted keys optional). */
export type IlmParams = FromSchema<typeof ilmSchema, { keepDefaultedPropertiesOptional: true }>;
/** Params of a resolved config: the normalizer (ajv) filled every default. */
/** As in a resolved config: every defaulted field filled. */
export type IlmResolved = FromSchema<typeof ilmSchema>;
type Resolved = IlmResolved;

/** DSL helper: `multiplier: ilm({ corrections: 2 })`. */
export function ilm(p: Omit<IlmParams, 'kind'> = {}): IlmParams {
  return { kind: 'ilm', ...p };
}

/** P0: one basic block. */
function basicBlock(A: number, B: number): number {
  if (A === 0 || B === 0) return 0;
  const kA = leadingOne(A);
  const kB = leadingOne(B);
  const mA = A - 2 ** kA;
  const mB = B - 2 ** kB;
  return 2 ** (kA + kB) + mA * 2 ** kB + mB * 2 ** kA;
}

/** P_i on magnitudes, by the recursion of the definition (the residue of 0 is 0). */
export function ilmCore(A: number, B: number, i: number): number {
  if (i < 0 || A === 0 || B === 0) return 0;
  const mA = A - 2 ** leadingOne(A);
  const mB = B - 2 ** leadingOne(B);
  return basicBlock(A, B) + ilmCore(mA, mB, i - 1);
}

export function ilmMultiply(a: number, w: number, p: Resolved): number {
  return signedProduct(a, w, p.signedMode, (x, y) => ilmCore(x, y, p.corrections));
}

/** Largest output of the unsigned core over every magnitude pair (the core's width in the RTL). */
export function ilmCoreMax(p: Resolved, ctx: UnitContext): number {
  // ILM never overestimates (P_i ≤ A·B by induction), so the magnitudes' product bounds it.
  return coreMax(
    ['ilm', p],
    ctx,
    p.signedMode,
    (x, y) => ilmCore(x, y, p.corrections),
    () => maxMagnitude(ctx.activation, p.signedMode) * maxMagnitude(ctx.weight, p.signedMode),
  );
}

function ilmRange(p: Resolved, ctx: UnitContext): ProductRange {
  return unitRange(
    ['ilm', p],
    ctx,
    (a, w) => ilmMultiply(a, w, p),
    () => rangeFromCore(ilmCoreMax(p, ctx), ctx, p.signedMode),
  );
}

export const ilmUnit = defineUnit({
  kind: 'ilm',
  schema: ilmSchema,
  dsl: ilm,
  samples: {
    regress: [{ corrections: 0 }, { corrections: 2, share: false }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: { corrections: 0 } },
      { activation: U(8), weight: U(8), params: { corrections: 1 } },
      { activation: U(8), weight: U(8), params: { corrections: 2, share: false } },
      { activation: U(8), weight: U(8), params: { corrections: 3 } },
      { activation: S(8), weight: S(8), params: { corrections: 1 } },
      { activation: S(8), weight: S(8), params: { corrections: 2, signedMode: 'ones-complement' } },
      { activation: S(8), weight: S(8), params: { corrections: 3, share: false } },
      { activation: S(8), weight: S(8), params: { corrections: 0, signedMode: 'ones-complement', share: false } },
      { activation: U(8), weight: S(8), params: { corrections: 1, signedMode: 'ones-complement' } },
      { activation: S(4), weight: U(12), params: { corrections: 2 } },
      { activation: S(2), weight: S(3), params: { corrections: 3, signedMode: 'ones-complement' } },
      { activation: S(16), weight: S(16), params: { corrections: 2, signedMode: 'ones-complement', share: false } },
    ],
    metrics: [{ corrections: 0 }, { corrections: 1 }, { corrections: 2 }, { corrections: 3 }],
    area: [{ corrections: 0 }, { corrections: 1 }, { corrections: 2 }],
  },
  describe(p: IlmParams) {
    const r = p;
    return `ilm(corrections=${r.corrections}${r.signedMode === 'ones-complement' ? ', ones-complement' : ''}${r.share ? '' : ', share=false'})`;
  },
  rules: () => [],
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: Resolved) => ilmMultiply(a, w, p),
  productRange: (p: Resolved, ctx: UnitContext) => ilmRange(p, ctx),
  cuts: (p: Resolved) => logCuts(p.share, 'blocks'),
  rtl: (p: Resolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    ilmRtl(p, ctx, ilmRange(p, ctx), prefix, header, stages),
});
