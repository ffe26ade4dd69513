/** Exact multiplier: the reference every approximate unit is measured against. */
import type { FromSchema } from 'json-schema-to-ts';
import { bitsFor, identityPre, operandRange } from './common.js';
import { extendExpr, formatDesc, msb } from './verilog.js';
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
  rtl(_p: ExactParams, ctx: UnitContext, prefix: string, header: (template: string) => string) {
    const r = range(ctx);
    const prod = bitsFor(r.min, r.max);
    const A = ctx.activation.bits;
    const W = ctx.weight.bits;
    const P = prod.bits;
    return {
      actEncBits: A,
      wgtEncBits: W,
      modules: [
        identityPre(`${prefix}_act_pre`, 'a_i', 'a_enc_o', A, 'activation', header),
        identityPre(`${prefix}_wgt_pre`, 'w_i', 'w_enc_o', W, 'weight', header),
        {
          module: `${prefix}_mul`,
          template: 'units/exact_mul.v.hbs',
          view: {
            header: header('units/exact_mul.v.hbs'),
            module: `${prefix}_mul`,
            aMsb: msb(A),
            wMsb: msb(W),
            pMsb: msb(P),
            aDesc: formatDesc(A, ctx.activation.signed),
            wDesc: formatDesc(W, ctx.weight.signed),
            pDesc: formatDesc(P, prod.signed),
            aExt: extendExpr('a_enc_i', A, P, ctx.activation.signed),
            wExt: extendExpr('w_enc_i', W, P, ctx.weight.signed),
          },
        },
      ],
    };
  },
});
