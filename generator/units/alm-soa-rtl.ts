/** View model of the ALM-SOA core (templates/units/alm_soa_core.v.hbs); the encoders are Mitchell's. */
import { almSoaCoreMax, almSoaFraction, type AlmSoaResolved } from './alm-soa.js';
import { bitsFor } from './common.js';
import { logUnitModules, signedOutCut } from './logrtl.js';
import { cutLines } from './pipeline.js';
import { encView, layout } from './mitchell-rtl.js';
import type { ProductRange, UnitContext, UnitRtl, View } from './types.js';
import { dec, formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/**
 * The ALM-SOA unit's modules: Mitchell's per-operand encoder with the full fraction (F = N−1 bits,
 * packed {sign?, zero, k[KB], x[F]}) and a core that adds the log words {k, x} with the set-one
 * adder (exact upper part plus carry-in a[M−1] & w[M−1], low M bits forced to 1), then takes
 * Mitchell's antilog; composed by logUnitModules for share=true/false. `range` sizes p_o. Cut
 * points (logCuts): `antilog`, between the set-one adder and the shifter; with share=false also
 * `encode`.
 */
export function almSoaRtl(
  p: AlmSoaResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  cutStages = 0,
): UnitRtl {
  const N = Math.max(ctx.activation.bits, ctx.weight.bits);
  const F = almSoaFraction(ctx);
  const KB = ubits(N - 1);
  const LW = F + KB; // log word {k, x}
  const M = p.M;
  const HW = LW - M; // upper part width
  const La = layout(ctx.activation, 'sign-magnitude', 'a_i', F, KB);
  const Lw = layout(ctx.weight, 'sign-magnitude', 'w_i', F, KB);
  const Pc = ubits(almSoaCoreMax(p, ctx));
  const pf = bitsFor(range.min, range.max);
  const WW = Math.max(F + Pc, F + 1);
  const unusedWide = WW > F + Pc ? `^{wide[${WW - 1}:${F + Pc}], wide[${F - 1}:0]}` : `^wide[${F - 1}:0]`;
  const out = signedOutCut(
    'sign-magnitude',
    La.sign === null ? null : `a_enc_i[${La.sign}]`,
    Lw.sign === null ? null : `w_enc_i[${Lw.sign}]`,
    "1'b0",
    "1'b0",
    Pc,
    pf.bits,
  );
  const core: View = {
    unitDesc: `ALM-SOA, M = ${M}`,
    fBits: dec(F),
    mBits: dec(M),
    pDesc: formatDesc(pf.bits, pf.signed),
    aeMsb: msb(La.bits),
    weMsb: msb(Lw.bits),
    pMsb: msb(pf.bits),
    aZero: `a_enc_i[${La.zero}]`,
    wZero: `w_enc_i[${Lw.zero}]`,
    lwMsb: msb(LW),
    lwBits: dec(LW),
    aWord: `a_enc_i[${LW - 1}:0]`,
    wWord: `w_enc_i[${LW - 1}:0]`,
    cinExpr: `la[${M - 1}] & lw[${M - 1}]`,
    hwBits: dec(HW),
    hiExpr: `{1'b0, la[${LW - 1}:${M}]} + {1'b0, lw[${LW - 1}:${M}]} + ${resizeExpr('cin', 1, HW + 1)}`,
    sExpr: `{hi, ${lit(M, 2 ** M - 1)}}`,
    kTop: dec(LW),
    kMsb: msb(LW + 1 - F),
    fMsb: msb(F),
    mantMsb: dec(F),
    wideMsb: msb(WW),
    mantExt: resizeExpr('mant_c', F + 1, WW),
    pcMsb: msb(Pc),
    pcZero: lit(Pc, 0),
    wideTop: msb(F + Pc),
    unusedLow:
      M >= 2 ? `  wire unused_low = ^{la[${M - 2}:0], lw[${M - 2}:0]};  // below bit M-1 only the ones are kept` : '',
    unusedWide,
    outLogic: out.outLogic,
    antilogCut: cutLines(
      'antilog',
      [
        { name: 'mant_c', bits: F + 1, expr: 'mant' },
        { name: 'sh_c', bits: LW + 1 - F, expr: 'sh' },
        { name: 'zero_c', bits: 1, expr: 'a_zero | w_zero' },
        ...out.signals,
      ],
      cutStages >= 1,
    ),
  };
  return logUnitModules(
    {
      encTemplate: 'units/mitchell_enc.v.hbs',
      encAct: encView(ctx.activation, 'sign-magnitude', 'a_i', F, N, KB),
      encWgt: encView(ctx.weight, 'sign-magnitude', 'w_i', F, N, KB),
      actEncBits: La.bits,
      wgtEncBits: Lw.bits,
      coreTemplate: 'units/alm_soa_core.v.hbs',
      split: out.split,
      core,
      unitDesc: 'ALM-SOA multiplier',
      coreStages: cutStages >= 1 ? 1 : 0,
      encodeCut: !p.share && cutStages >= 2,
    },
    p.share,
    ctx,
    prefix,
    header,
  );
}
