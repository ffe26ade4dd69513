/** View models of the exact unit's modules: identity edge modules and templates/units/exact_mul.v.hbs. */
import { bitsFor, identityPre } from './common.js';
import type { ProductRange, UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, msb } from './verilog.js';

/** The exact unit's modules; `range` is the product range (the output width). */
export function exactRtl(ctx: UnitContext, range: ProductRange, prefix: string, header: (template: string) => string): UnitRtl {
  const prod = bitsFor(range.min, range.max);
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const P = prod.bits;
  const module = `${prefix}_mul`;
  return {
    actEncBits: A,
    wgtEncBits: W,
    modules: [
      identityPre(`${prefix}_act_pre`, 'a_i', 'a_enc_o', A, 'activation', header),
      identityPre(`${prefix}_wgt_pre`, 'w_i', 'w_enc_o', W, 'weight', header),
      {
        module,
        template: 'units/exact_mul.v.hbs',
        view: {
          header: header('units/exact_mul.v.hbs'),
          module,
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
}
