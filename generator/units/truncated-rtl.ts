/** View models of the truncated multiplier's modules: identity edges and templates/units/truncated_mul.v.hbs. */
import { bitsFor, identityPre } from './common.js';
import { coreMax, frontEnd } from './logcore.js';
import { signedOutCut, signedOutLines, splitPorts } from './logrtl.js';
import { cutLines, stagePorts } from './pipeline.js';
import type { ProductRange, UnitContext, UnitRtl } from './types.js';
import { magWidths, truncCorrection, truncatedCore, truncatedCoreBound, type TruncatedResolved } from './truncated.js';
import { formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/**
 * The truncated multiplier's modules. Identity edge modules (the per-operand work is only the
 * magnitude); `<p>_mul` forms one partial-product row per activation-magnitude bit with the weight
 * magnitude's bits below column t cleared (a row wholly below t is left out), adds the rows and the
 * correction, and restores the sign. `range` is the unit's product range (the output width). Cut
 * point (TRUNCATED_CUTS): `partial-sums`, the rows summed in two registered halves.
 */
export const TRUNCATED_CUTS = ['partial-sums'] as const;

export function truncatedRtl(
  p: TruncatedResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  cutStages = 0,
): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const [na, nw] = magWidths(ctx);
  const Pc = ubits(
    coreMax(
      ['truncated', p],
      ctx,
      'sign-magnitude',
      (x, y) => truncatedCore(x, y, p, na, nw),
      () => truncatedCoreBound(p, ctx),
    ),
  );
  const pf = bitsFor(range.min, range.max);
  const rows: { i: string; expr: string }[] = [];
  const usedA = new Set<number>();
  const usedW = new Set<number>();
  for (let i = 0; i < na; i++) {
    const drop = Math.max(0, p.t - i);
    if (drop >= nw) continue;
    usedA.add(i);
    for (let j = drop; j < nw; j++) usedW.add(j);
    const kept = drop === 0 ? 'mw' : `{mw[${nw - 1}:${drop}], ${drop}'d0}`;
    const ext = nw < Pc ? resizeExpr(kept, nw, Pc) : kept;
    rows.push({ i: String(i), expr: `ma[${i}] ? (${ext} << ${i}) : ${lit(Pc, 0)}` });
  }
  const unused = (sig: string, n: number, used: Set<number>) => {
    const bits = Array.from({ length: n }, (_, j) => j).filter((j) => !used.has(j));
    return bits.length === 0
      ? ''
      : `  wire unused_${sig} = |{${bits.map((j) => `${sig}[${j}]`).join(', ')}};  // only in dropped columns\n`;
  };
  const C = p.correction ? truncCorrection(p.t, na, nw) : 0;
  const terms = rows.map((r) => `r${r.i}`);
  if (C > 0) terms.push(`(nz ? ${lit(Pc, C)} : ${lit(Pc, 0)})`);
  if (terms.length === 0) terms.push(lit(Pc, 0));
  const module = `${prefix}_mul`;
  const template = 'units/truncated_mul.v.hbs';
  const aSign = ctx.activation.signed ? `a_enc_i[${A - 1}]` : null;
  const wSign = ctx.weight.signed ? `w_enc_i[${W - 1}]` : null;
  // The `partial-sums` cut: the rows (and the correction) summed in two halves, registered with
  // the signs; the halves are added and the sign restored after it.
  const half = Math.ceil(terms.length / 2);
  const halves = [terms.slice(0, half), terms.slice(half)].filter((h) => h.length > 0);
  const out = signedOutCut('sign-magnitude', aSign, wSign, "1'b0", "1'b0", Pc, pf.bits);
  const sumView =
    cutStages >= 1
      ? {
          sumCut: cutLines(
            'partial-sums',
            [...halves.map((h, i) => ({ name: `psum${i}_c`, bits: Pc, expr: h.join(' + ') })), ...out.signals],
            true,
          ),
          sumExpr: halves.map((_, i) => `psum${i}_c`).join(' + '),
          outLogic: out.outLogic,
        }
      : {
          sumCut: false,
          sumExpr: terms.join(' + '),
          outLogic: signedOutLines('sign-magnitude', aSign, wSign, "1'b0", "1'b0", Pc, pf.bits),
        };
  return {
    actEncBits: A,
    wgtEncBits: W,
    ...(out.split ? { split: out.split } : {}),
    modules: [
      identityPre(prefix, 'act', A, header),
      identityPre(prefix, 'wgt', W, header),
      {
        module,
        template,
        view: {
          header: header(template),
          module,
          splitPorts: splitPorts(out.split),
          t: String(p.t),
          corrDesc: C > 0 ? `, plus ${C} (the expected loss) when both operands are non-zero` : '',
          pDesc: formatDesc(pf.bits, pf.signed),
          aMsb: msb(A),
          wMsb: msb(W),
          pMsb: msb(pf.bits),
          amMsb: msb(na),
          wmMsb: msb(nw),
          aMag: frontEnd(ctx.activation, 'sign-magnitude', 'a_enc_i').magExpr,
          wMag: frontEnd(ctx.weight, 'sign-magnitude', 'w_enc_i').magExpr,
          nzLine: C > 0 ? `  wire nz = (ma != ${lit(na, 0)}) & (mw != ${lit(nw, 0)});` : '',
          unusedLines: unused('ma', na, usedA) + unused('mw', nw, usedW),
          pcMsb: msb(Pc),
          rowList: rows,
          stagePorts: stagePorts(cutStages),
          ...sumView,
        },
      },
    ],
  };
}
