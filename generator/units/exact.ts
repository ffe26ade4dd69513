/** Exact multiplier: the reference every approximate unit is measured against. */
import type { FromSchema } from 'json-schema-to-ts';
import { bitsFor, operandRange } from './common.js';
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

/**
 * The product as one Verilog multiply of the operands at their own widths and signedness (an
 * unsigned operand of a signed product gets a 0 sign bit: `$signed({1'b0, w})`). Yosys 0.23's iCE40
 * DSP mapping turned the earlier form, operands sign-extended by hand to the product width, into an
 * unsigned SB_MAC16 with zero-extended inputs (wrong on 48,895 of 65,536 int8 pairs, issue 11), and
 * that form also cost about 20 % more LUTs; sim/faults.ts keeps it as the `sign-extended-exact-mul`
 * fault so the gate-level check stays tested.
 */
export function exactProductExpr(ctx: UnitContext): string {
  if (!ctx.activation.signed && !ctx.weight.signed) return 'a_enc_i * w_enc_i';
  const op = (sig: string, signed: boolean) => (signed ? `$signed(${sig})` : `$signed({1'b0, ${sig}})`);
  return `${op('a_enc_i', ctx.activation.signed)} * ${op('w_enc_i', ctx.weight.signed)}`;
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
    const identity = (module: string, inName: string, outName: string, bits: number, what: string) => ({
      module,
      template: 'units/identity_pre.v.hbs',
      view: {
        header: header('units/identity_pre.v.hbs'),
        module,
        what,
        inPort: inName,
        outPort: outName,
        msb: String(bits - 1),
      },
    });
    return {
      actEncBits: A,
      wgtEncBits: W,
      modules: [
        identity(`${prefix}_act_pre`, 'a_i', 'a_enc_o', A, 'activation'),
        identity(`${prefix}_wgt_pre`, 'w_i', 'w_enc_o', W, 'weight'),
        {
          module: `${prefix}_mul`,
          template: 'units/exact_mul.v.hbs',
          view: {
            header: header('units/exact_mul.v.hbs'),
            module: `${prefix}_mul`,
            aMsb: String(A - 1),
            wMsb: String(W - 1),
            pMsb: String(P - 1),
            aDesc: `${A}-bit ${ctx.activation.signed ? 'signed' : 'unsigned'}`,
            wDesc: `${W}-bit ${ctx.weight.signed ? 'signed' : 'unsigned'}`,
            pDesc: `${P}-bit ${prod.signed ? 'signed' : 'unsigned'}`,
            product: exactProductExpr(ctx),
          },
        },
      ],
    };
  },
});
