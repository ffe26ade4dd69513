/**
 * Ternary weights (docs/units.md): every weight is −1, 0 or +1 (ternary weight networks, Li, Zhang
 * and Liu 2016), so the product is a, −a or 0 and the PE holds no multiplier: a 2-bit weight code
 * selects the activation, its negation or zero.
 *
 * Host weight mapping (`mapWeight`): w ↦ 0 when |w| ≤ threshold, else sign(w) (+1 for an unsigned
 * weight). The ternarization of a trained network (TWN's Δ ≈ 0.7·mean|W| on the float weights,
 * with a per-layer scale folded into the requantization) is done before the weights become
 * integers; `threshold` is that Δ in the weight's integer units, 0 for weights already in {−1, 0, +1}.
 * The RTL computes sign(w)·a for any weight that reaches it (threshold 0).
 */
import type { FromSchema } from 'json-schema-to-ts';
import { operandRange, signedOp as S, unsignedOp as U } from './common.js';
import { ternaryRtl } from './ternary-rtl.js';
import { defineUnit, type ProductRange, type UnitContext } from './types.js';

export const ternarySchema = {
  type: 'object',
  title: 'ternary weights',
  description:
    'Weights in {−1, 0, +1}: the product is a, −a or 0, with no multiplier in the PE. The host maps a weight to 0 when ' +
    '|w| ≤ threshold and to its sign otherwise.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'ternary', description: 'Ternary weights {−1, 0, +1}.' },
    threshold: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description:
        'Host mapping: a weight with |w| ≤ threshold becomes 0, any other its sign. 0 for weights already ternary.',
    },
  },
} as const;

export type TernaryParams = FromSchema<typeof ternarySchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: every defaulted field filled. */
export type TernaryResolved = FromSchema<typeof ternarySchema>;

/** DSL helper: `multiplier: ternary({ threshold: 3 })`. */
export function ternary(p: Omit<TernaryParams, 'kind'> = {}): TernaryParams {
  return { kind: 'ternary', ...p };
}

/** The host mapping: 0 when |w| ≤ threshold, else sign(w). */
export function ternaryMapWeight(w: number, p: TernaryResolved): number {
  if (Math.abs(w) <= p.threshold) return 0;
  return w < 0 ? -1 : 1;
}

/** Golden model: sign(w)·a (w already mapped to −1, 0 or +1; an unmapped weight counts by its sign). */
export function ternaryMultiply(a: number, w: number): number {
  if (w === 0 || a === 0) return 0;
  return w < 0 ? -a : a;
}

/** Product range: the activation range and, for a signed weight, its negation. */
export function ternaryRange(ctx: UnitContext): ProductRange {
  const a = operandRange(ctx.activation);
  const lo = ctx.weight.signed ? Math.min(a.min, -a.max, 0) : Math.min(a.min, 0);
  const hi = ctx.weight.signed ? Math.max(a.max, -a.min) : a.max;
  return { min: lo, max: hi };
}

export const ternaryUnit = defineUnit({
  kind: 'ternary',
  schema: ternarySchema,
  dsl: ternary,
  samples: {
    regress: [{}, { threshold: 2 }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: {} },
      { activation: S(8), weight: S(8), params: {} },
      { activation: S(8), weight: S(2), params: {} },
      { activation: U(8), weight: S(2), params: {} },
      { activation: S(8), weight: S(8), params: { threshold: 20 } },
    ],
    metrics: [{}],
    area: [{}],
  },
  describe: (p: TernaryResolved) => `ternary${p.threshold ? `(threshold=${p.threshold})` : ''}`,
  rules: () => [],
  mapWeight: (w: number, p: TernaryResolved) => ternaryMapWeight(w, p),
  multiply: (a: number, w: number) => ternaryMultiply(a, w),
  productRange: (_p: TernaryResolved, ctx: UnitContext) => ternaryRange(ctx),
  rtl: (_p: TernaryResolved, ctx: UnitContext, prefix: string, header: (t: string) => string) =>
    ternaryRtl(ctx, ternaryRange(ctx), prefix, header),
});
