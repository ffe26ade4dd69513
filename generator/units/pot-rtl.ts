/** View models of the PoT / APoT unit's modules (templates/units/pot_wgt.v.hbs, pot_mul.v.hbs). */
import { cutLines, stagePorts } from './pipeline.js';
import { bitsFor, identityPre } from './common.js';
import { levelCaseLines } from './levels.js';
import { leadingOne } from './logcore.js';
import { potLevels, type PotResolved } from './pot.js';
import type { ProductRange, UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, lit, msb, ubits } from './verilog.js';

/** A level magnitude m as at most two shift terms: m = e1·2^s1 + e2·2^s2 (s1 > s2). Throws if m needs more. */
export function shiftTerms(m: number): { e1: number; s1: number; e2: number; s2: number } {
  if (m === 0) return { e1: 0, s1: 0, e2: 0, s2: 0 };
  const s1 = leadingOne(m);
  const r = m - 2 ** s1;
  if (r === 0) return { e1: 1, s1, e2: 0, s2: 0 };
  const s2 = leadingOne(r);
  if (r !== 2 ** s2) throw new Error(`internal: level ${m} is not a sum of two powers of two`);
  return { e1: 1, s1, e2: 1, s2 };
}

/** PoT/APoT's pipeline cut points (UnitDef.cuts): `terms`, between the shifted terms and their sum and sign. */
export const POT_CUTS = ['terms'] as const;

/**
 * The unit's modules: identity activation edge; the weight edge maps the weight to its level (the
 * host mapping, as a table over every weight value) and packs it from the LSB as
 * {neg?, e2, s2[SB], e1, s1[SB]} (APoT) or {neg?, e1, s1[SB]} (PoT); the PE forms
 * (e1 ? a << s1 : 0) + (e2 ? a << s2 : 0) and negates it for a negative weight, modulo 2^P.
 */
export function potRtl(
  p: PotResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  stages = 0,
): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const apot = p.levels === 'apot';
  const levels = potLevels(p, ctx);
  const SB = ubits(Math.max(...levels.map((v) => shiftTerms(Math.abs(v)).s1)));
  const signed = ctx.weight.signed;
  const termBits = SB + 1;
  const WE = termBits * (apot ? 2 : 1) + (signed ? 1 : 0);
  const code = (v: number): number => {
    const t = shiftTerms(Math.abs(v));
    let c = t.e1 * 2 ** SB + t.s1;
    if (apot) c += (t.e2 * 2 ** SB + t.s2) * 2 ** termBits;
    if (signed && v < 0) c += 2 ** (WE - 1);
    return c;
  };
  const caseLines = levelCaseLines(ctx.weight, levels, WE, code);
  const pf = bitsFor(range.min, range.max);
  const P = pf.bits;
  const sl = (hi: number, lo2: number) => (hi === lo2 ? `w_enc_i[${hi}]` : `w_enc_i[${hi}:${lo2}]`);
  const wgt = `${prefix}_wgt_pre`;
  const mul = `${prefix}_mul`;
  const what = apot ? 'APoT' : 'PoT';
  return {
    actEncBits: A,
    wgtEncBits: WE,
    modules: [
      identityPre(prefix, 'act', A, header),
      {
        module: wgt,
        template: 'units/pot_wgt.v.hbs',
        view: {
          header: header('units/pot_wgt.v.hbs'),
          module: wgt,
          what,
          wDesc: formatDesc(W, signed),
          levels: levels.join(', '),
          layout: `{${signed ? 'neg, ' : ''}${apot ? `e2, s2[${SB}], ` : ''}e1, s1[${SB}]}`,
          wMsb: msb(W),
          encMsb: msb(WE),
          caseLines,
          zero: lit(WE, 0),
        },
      },
      {
        module: mul,
        template: 'units/pot_mul.v.hbs',
        view: {
          header: header('units/pot_mul.v.hbs'),
          module: mul,
          what,
          aDesc: formatDesc(A, ctx.activation.signed),
          pDesc: formatDesc(P, pf.signed),
          aMsb: msb(A),
          weMsb: msb(WE),
          pMsb: msb(P),
          sMsb: msb(SB),
          aExt: extendExpr('a_enc_i', A, P, ctx.activation.signed),
          s1: sl(SB - 1, 0),
          e1: `w_enc_i[${SB}]`,
          apot,
          s2: sl(termBits + SB - 1, termBits),
          e2: `w_enc_i[${termBits + SB}]`,
          signed,
          pZero: lit(P, 0),
          stagePorts: stagePorts(stages),
          termsCut:
            stages >= 1
              ? cutLines(
                  'terms',
                  [
                    { name: 't1_c', bits: P, expr: 't1' },
                    ...(apot ? [{ name: 't2_c', bits: P, expr: 't2' }] : []),
                    ...(signed ? [{ name: 'neg_c', bits: 1, expr: `w_enc_i[${WE - 1}]` }] : []),
                  ],
                  true,
                )
              : false,
          t1: stages >= 1 ? 't1_c' : 't1',
          t2: stages >= 1 ? 't2_c' : 't2',
          negUse: stages >= 1 ? 'neg_c' : `w_enc_i[${WE - 1}]`,
        },
      },
    ],
  };
}
