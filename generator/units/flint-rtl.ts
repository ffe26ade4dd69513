/** View models of the flint unit's modules (templates/units/flint_wgt.v.hbs, flint_mul.v.hbs). */
import { bitsFor, identityPre } from './common.js';
import { flintDecode, flintLevels } from './flint.js';
import { gridProductRange, levelCaseLines } from './levels.js';
import { cutLines, stagePorts } from './pipeline.js';
import type { UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/** flint's pipeline cut points (UnitDef.cuts): `shift`, after the shifted activation, before the mantissa rows and their sum. */
export const FLINT_CUTS = ['shift'] as const;

/**
 * The flint unit's modules: identity activation edge; the weight edge maps the weight to its flint
 * level (the host mapping, as a table over every weight value) and decodes it into
 * {neg?, shift[SB], mantissa[MB]} with level = ±mantissa·2^shift. The PE shifts the activation
 * (inverted for a negative weight) left by shift, forms one row per mantissa bit and adds the rows
 * and, for a negative weight, mantissa·2^shift, in one sum modulo 2^P: −a·m = (~a)·m + m, so no
 * negation follows the sum (on iCE40 a sum and a negation are two carry chains in series, and the
 * accumulator adder a third). `stages` 0 or 1: the `shift` cut (FLINT_CUTS) registered.
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
  const aSigned = ctx.activation.signed;
  const cut = stages >= 1;
  // Below the cut: the shifted activation, the mantissa, and (signed weight) the shift and the sign
  // for the correction term.
  const cutSignals = [
    { name: 'a_s_c', bits: P, expr: 'a_s' },
    { name: 'mant_c', bits: MB, expr: 'mant' },
    ...(signed
      ? [
          { name: 'shift_c', bits: SB, expr: 'shift' },
          { name: 'neg_c', bits: 1, expr: 'neg' },
        ]
      : []),
  ];
  const [aS, mantU, shiftU, negU] = cut ? ['a_s_c', 'mant_c', 'shift_c', 'neg_c'] : ['a_s', 'mant', 'shift', 'neg'];
  const rowList = Array.from({ length: MB }, (_, j) => ({
    j: String(j),
    expr: `${MB === 1 ? mantU : `${mantU}[${j}]`} ? ${j === 0 ? aS : `(${aS} << ${j})`} : ${lit(P, 0)}`,
  }));
  const terms = [...rowList.map((r) => `t${r.j}`), ...(signed ? ['corr'] : [])];
  const wgt = `${prefix}_wgt_pre`;
  const mul = `${prefix}_mul`;
  return {
    actEncBits: A,
    wgtEncBits: WE,
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
          mant: MB === 1 ? 'w_enc_i[0]' : `w_enc_i[${MB - 1}:0]`,
          shift: SB === 1 ? `w_enc_i[${MB}]` : `w_enc_i[${MB + SB - 1}:${MB}]`,
          aP: extendExpr('a_enc_i', A, P, aSigned),
          pOnes: `{${P}{neg}}`,
          corrExpr: `${negU} ? (${resizeExpr(mantU, MB, P)} << ${shiftU}) : ${lit(P, 0)}`,
          signed,
          neg: `w_enc_i[${WE - 1}]`,
          stagePorts: stagePorts(stages),
          shiftCut: cut ? cutLines('shift', cutSignals, true) : false,
          rowList,
          sumExpr: terms.join(' + '),
        },
      },
    ],
  };
}
