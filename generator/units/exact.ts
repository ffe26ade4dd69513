/** Exact multiplier: the reference every approximate unit is measured against. */
import type { FromSchema } from 'json-schema-to-ts';
import { operandRange } from './common.js';
import { EXACT_CUTS, exactRtl } from './exact-rtl.js';
import { defineUnit, type UnitContext } from './types.js';

export const exactSchema = {
  type: 'object',
  title: 'exact multiplier',
  description: 'Exact product a·w, written as a plain `*` so FPGA synthesis can map it to a DSP block.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'exact', description: 'Exact multiplier.' },
  },
} as const;

export type ExactParams = FromSchema<typeof exactSchema>;

/** DSL helper: `multiplier: exact()`. */
export function exact(): ExactParams {
  return { kind: 'exact' };
}

function range(ctx: UnitContext): { min: number; max: number } {
  const a = operandRange(ctx.activation);
  const w = operandRange(ctx.weight);
  const corners = [a.min * w.min, a.min * w.max, a.max * w.min, a.max * w.max];
  return { min: Math.min(...corners), max: Math.max(...corners) };
}

export const exactUnit = defineUnit({
  kind: 'exact',
  schema: exactSchema,
  describe: () => 'exact',
  rules: () => [],
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number) => a * w,
  productRange: (_p: ExactParams, ctx: UnitContext) => range(ctx),
  cuts: () => EXACT_CUTS,
  rtl: (_p: ExactParams, ctx: UnitContext, prefix: string, header: (template: string) => string, stages?: number) =>
    exactRtl(ctx, range(ctx), prefix, header, stages),
});
