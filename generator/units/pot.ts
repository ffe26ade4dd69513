/**
 * Power-of-two (PoT) and additive-power-of-two (APoT) weights (docs/units.md). Every weight is one
 * of a fixed set of levels: 0 and ±2^i (PoT), or 0 and ± a sum of at most two powers of two (APoT
 * with 4 magnitude bits, Li, Dong, Wang, ICLR 2020: the integer levels {0, 1, 2, 3, 4, 6, 8, 9, 12,
 * 16, 18, 24, 32, 33, 36, 48}, the paper's levels ×48). A level that does not fit the weight's
 * precision is not used. The product a·level is one shift (PoT) or two shifts and an add (APoT):
 * the PE holds no multiplier array.
 *
 * Host weight mapping (`mapWeight`): the representable level nearest to w; a tie (w exactly halfway
 * between two levels) goes to the level of smaller magnitude. The weight edge of the array applies
 * the same mapping (a table over the weight's 2^W values) while decoding the level into its shift
 * terms, so the RTL and the golden model agree on every weight, mapped or not.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { operandRange, signedOp as S, unsignedOp as U } from './common.js';
import { gridLevels, gridProductRange, gridWeightRules, nearestLevel } from './levels.js';
import { POT_CUTS, potRtl } from './pot-rtl.js';
import { defineUnit, type ProductRange, type UnitContext } from './types.js';

export const potSchema = {
  type: 'object',
  title: 'power-of-two / additive-power-of-two weights',
  description:
    'Weights restricted to 0 and ±2^i ("pot") or to the APoT levels {0, 1, 2, 3, 4, 6, 8, 9, 12, 16, 18, 24, 32, 33, 36, 48} ' +
    '("apot", Li, Dong, Wang, ICLR 2020); the host maps a weight to the nearest level (ties to the smaller magnitude). ' +
    'The PE shifts (and adds) instead of multiplying. Weights of at most 10 bits.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'pot', description: 'Power-of-two (or additive power-of-two) weights.' },
    levels: {
      enum: ['pot', 'apot'],
      default: 'pot',
      description:
        '"pot": 0, ±2^i; "apot": 0 and ± the 4-bit APoT magnitudes (sums of at most two powers of two, up to 48).',
    },
  },
} as const;

export type PotParams = FromSchema<typeof potSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: every defaulted field filled. */
export type PotResolved = FromSchema<typeof potSchema>;

/** DSL helper: `multiplier: pot({ levels: 'apot' })`. */
export function pot(p: Omit<PotParams, 'kind'> = {}): PotParams {
  return { kind: 'pot', ...p };
}

/** APoT integer magnitudes, 4 bits (Li, Dong, Wang, ICLR 2020, levels ×48). */
export const APOT_LEVELS = [0, 1, 2, 3, 4, 6, 8, 9, 12, 16, 18, 24, 32, 33, 36, 48] as const;

/** The representable weight values for this precision, ascending: ± each level magnitude that lies in the weight's range. */
export function potLevels(p: PotResolved, ctx: UnitContext): number[] {
  const r = operandRange(ctx.weight);
  const big = Math.max(-r.min, r.max);
  const mags: number[] = p.levels === 'apot' ? [...APOT_LEVELS] : [0];
  if (p.levels === 'pot') for (let m = 1; m <= big; m *= 2) mags.push(m);
  return gridLevels(mags, ctx.weight);
}

/** Host mapping: the representable level nearest to w; on a tie the one of smaller magnitude (levels.ts). */
export function potMapWeight(w: number, p: PotResolved, ctx: UnitContext): number {
  return nearestLevel(w, potLevels(p, ctx));
}

/** Golden model: a times the weight's level (the weight mapped as above; a level maps to itself). */
export function potMultiply(a: number, w: number, p: PotResolved, ctx: UnitContext): number {
  return a * potMapWeight(w, p, ctx);
}

/** Product range: the extremes of a·v over the activation's ends and the smallest and largest level (bilinear, so exact). */
export function potRange(p: PotResolved, ctx: UnitContext): ProductRange {
  return gridProductRange(ctx.activation, potLevels(p, ctx));
}

export const potUnit = defineUnit({
  kind: 'pot',
  schema: potSchema,
  dsl: pot,
  samples: {
    regress: [{}, { levels: 'apot' }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: {} },
      { activation: S(8), weight: S(8), params: {} },
      { activation: U(8), weight: U(8), params: { levels: 'apot' } },
      { activation: S(8), weight: S(8), params: { levels: 'apot' } },
    ],
    metrics: [{}, { levels: 'apot' }],
    area: [{}, { levels: 'apot' }],
  },
  describe: (p: PotResolved) => (p.levels === 'apot' ? 'pot(levels=apot)' : 'pot'),
  rules: (_p: PotResolved, ctx: UnitContext) => gridWeightRules('pot', ctx),
  mapWeight: (w: number, p: PotResolved, ctx: UnitContext) => potMapWeight(w, p, ctx),
  multiply: (a: number, w: number, p: PotResolved, ctx: UnitContext) => potMultiply(a, w, p, ctx),
  productRange: (p: PotResolved, ctx: UnitContext) => potRange(p, ctx),
  cuts: () => POT_CUTS,
  rtl: (p: PotResolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    potRtl(p, ctx, potRange(p, ctx), prefix, header, stages),
});
