/** View models of the ternary unit's modules (templates/units/ternary_wgt.v.hbs, ternary_mul.v.hbs). */
import { bitsFor, identityPre } from './common.js';
import type { ProductRange, UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, lit, msb } from './verilog.js';

/**
 * The ternary unit's modules: identity activation edge; the weight edge turns the weight into the
 * 2-bit code {neg, nz} (the two's complement of sign(w): 11 = −1, 00 = 0, 01 = +1); the PE selects
 * a, −a or 0. `range` is the product range (the output width).
 */
export function ternaryRtl(
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const pf = bitsFor(range.min, range.max);
  const wgt = `${prefix}_wgt_pre`;
  const mul = `${prefix}_mul`;
  return {
    actEncBits: A,
    wgtEncBits: 2,
    modules: [
      identityPre(prefix, 'act', A, header),
      {
        module: wgt,
        template: 'units/ternary_wgt.v.hbs',
        view: {
          header: header('units/ternary_wgt.v.hbs'),
          module: wgt,
          wDesc: formatDesc(W, ctx.weight.signed),
          wMsb: msb(W),
          negExpr: ctx.weight.signed ? `w_i[${W - 1}]` : "1'b0",
          zero: lit(W, 0),
        },
      },
      {
        module: mul,
        template: 'units/ternary_mul.v.hbs',
        view: {
          header: header('units/ternary_mul.v.hbs'),
          module: mul,
          aDesc: formatDesc(A, ctx.activation.signed),
          pDesc: formatDesc(pf.bits, pf.signed),
          aMsb: msb(A),
          pMsb: msb(pf.bits),
          aExt: extendExpr('a_enc_i', A, pf.bits, ctx.activation.signed),
          pZero: lit(pf.bits, 0),
        },
      },
    ],
  };
}
