/** View models of the flint unit's modules (templates/units/flint_wgt.v.hbs, flint_mul.v.hbs). */
import { bitsFor, identityPre } from './common.js';
import { flintDecode, flintLevels } from './flint.js';
import { gridProductRange, levelCaseLines } from './levels.js';
import { negatedSplit, negatedSplitLines, splitPorts } from './logrtl.js';
import { cutLines, stagePorts } from './pipeline.js';
import type { UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/**
 * flint's pipeline cut points (UnitDef.cuts): `product`, after the small product a·mantissa, before
 * the shift and the negation.
 */
export const FLINT_CUTS = ['product'] as const;

/**
 * The flint unit's modules: identity activation edge; the weight edge maps the weight to its flint
 * level (the host mapping, as a table over every weight value) and decodes it into
 * {neg?, shift[SB], mantissa[MB]} with level = ±mantissa·2^shift; the PE forms the small exact
 * product a·mantissa, shifts it and negates it for a negative weight, modulo 2^P (with signed
 * weights also in split form, logrtl.ts negatedSplit, which the PE adds). `stages` 0 or 1: with 1
 * the `product` cut (FLINT_CUTS) is registered: a·mantissa, the shift and the sign cross it.
 */
export function flintRtl(ctx: UnitContext, prefix: string, header: (t: string) => string, stages = 0): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const signed = ctx.weight.signed;
  const levels = flintLevels(ctx.weight);
  const parts = levels.map((v) => flintDecode(Math.abs(v)));
  const MB = ubits(Math.max(...parts.map((x) => x.mantissa)));
  const SB = ubits(Math.max(...parts.map((x) => x.shift)));
  const WE = MB + SB + (signed ? 1 : 0);
  const code = (v: number): number => {
    const t = flintDecode(Math.abs(v));
    return t.mantissa + t.shift * 2 ** MB + (signed && v < 0 ? 2 ** (WE - 1) : 0);
  };
  const range = gridProductRange(ctx.activation, levels);
  const pf = bitsFor(range.min, range.max);
  const P = pf.bits;
  // a·mantissa fits A + MB bits, and never more than the product's own P bits.
  const AM = Math.min(A + MB, P);
  const aSigned = ctx.activation.signed;
  const cut = stages >= 1;
  const productCut = cut
    ? cutLines(
        'product',
        [
          { name: 'am_c', bits: AM, expr: 'am' },
          { name: 'shift_c', bits: SB, expr: 'shift' },
          ...(signed ? [{ name: 'neg_c', bits: 1, expr: `w_enc_i[${WE - 1}]` }] : []),
        ],
        true,
      )
    : false;
  // The sign as the negation reads it: below the cut, its registered copy.
  const neg = cut ? 'neg_c' : `w_enc_i[${WE - 1}]`;
  const wgt = `${prefix}_wgt_pre`;
  const mul = `${prefix}_mul`;
  // A negative weight negates mag = a·mantissa·2^shift (two's complement when the activation is signed).
  const split = signed ? negatedSplit(aSigned, range, P) : null;
  return {
    actEncBits: A,
    wgtEncBits: WE,
    ...(split ? { split } : {}),
    modules: [
      identityPre(prefix, 'act', A, header),
      {
        module: wgt,
        template: 'units/flint_wgt.v.hbs',
        view: {
          header: header('units/flint_wgt.v.hbs'),
          module: wgt,
          wDesc: formatDesc(W, signed),
          grid: signed ? 'signed' : 'unsigned',
          levels: levels.join(', '),
          layout: `{${signed ? 'neg, ' : ''}shift[${SB}], mantissa[${MB}]}`,
          wMsb: msb(W),
          encMsb: msb(WE),
          caseLines: levelCaseLines(ctx.weight, levels, WE, code),
          zero: lit(WE, 0),
        },
      },
      {
        module: mul,
        template: 'units/flint_mul.v.hbs',
        view: {
          header: header('units/flint_mul.v.hbs'),
          module: mul,
          aDesc: formatDesc(A, aSigned),
          pDesc: formatDesc(P, pf.signed),
          mbBits: String(MB),
          aMsb: msb(A),
          weMsb: msb(WE),
          pMsb: msb(P),
          mMsb: msb(MB),
          sMsb: msb(SB),
          amMsb: msb(AM),
          mant: MB === 1 ? 'w_enc_i[0]' : `w_enc_i[${MB - 1}:0]`,
          shift: SB === 1 ? `w_enc_i[${MB}]` : `w_enc_i[${MB + SB - 1}:${MB}]`,
          aAm: extendExpr('a_enc_i', A, AM, aSigned),
          mAm: resizeExpr('mant', MB, AM),
          amP: extendExpr(cut ? 'am_c' : 'am', AM, P, aSigned),
          shiftUse: cut ? 'shift_c' : 'shift',
          stagePorts: stagePorts(stages),
          productCut,
          signed,
          neg,
          pZero: lit(P, 0),
          splitPorts: splitPorts(split),
          splitLines: split ? negatedSplitLines('mag', P, aSigned, neg, split) : '',
        },
      },
    ],
  };
}
