/**
 * View models of the truncated multiplier's modules: the sign-magnitude edge encoders
 * (templates/units/signmag_pre.v.hbs) and templates/units/truncated_mul.v.hbs.
 */
import { bitsFor, identityPre } from './common.js';
import { coreMax, frontEnd } from './logcore.js';
import { signedOutCut, signedOutLines, splitPorts } from './logrtl.js';
import { cutLines, stagePorts } from './pipeline.js';
import type { ModuleSpec, OperandSpec, ProductRange, UnitContext, UnitRtl } from './types.js';
import { magWidths, truncCorrection, truncatedCore, truncatedCoreBound, type TruncatedResolved } from './truncated.js';
import { formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/**
 * The edge module of one operand side: for a signed operand `<p>_act_pre` / `<p>_wgt_pre` packs
 * {sign, |x|} (n + 1 bits; |−2^(n−1)| = 2^(n−1) fits n), formed once per row / column, so the PEs
 * hold the magnitude and never take an absolute value (on iCE40 an n-bit carry chain in series in
 * front of the partial-product sum in every PE); an unsigned operand is its own magnitude and
 * passes unchanged.
 */
function signMagPre(prefix: string, side: 'act' | 'wgt', spec: OperandSpec, header: (t: string) => string): ModuleSpec {
  const what =
    side === 'act' ? 'activation, once per row at the array edge' : 'weight, once per column where it enters the array';
  if (!spec.signed) return identityPre(prefix, side, spec.bits, header);
  const template = 'units/signmag_pre.v.hbs';
  const module = `${prefix}_${side}_pre`;
  const [inPort, outPort] = side === 'act' ? ['a_i', 'a_enc_o'] : ['w_i', 'w_enc_o'];
  const n = spec.bits;
  return {
    module,
    template,
    view: {
      header: header(template),
      module,
      what,
      opDesc: formatDesc(n, true),
      inPort,
      outPort,
      inMsb: msb(n),
      encMsb: msb(n + 1),
      magMsb: msb(n),
      magBits: String(n),
      magExpr: frontEnd(spec, 'sign-magnitude', inPort).magExpr,
      encExpr: `{${inPort}[${n - 1}], mag}`,
    },
  };
}

/**
 * The truncated multiplier's modules. The edge modules encode each signed operand as {sign,
 * magnitude} (signMagPre); `<p>_mul` forms one partial-product row per activation-magnitude bit
 * with the weight magnitude's bits below column t cleared (a row wholly below t is left out), adds
 * the rows and the correction in one sum (Yosys makes it one $macc, a carry-save tree and one carry
 * chain), and restores the sign. `range` is the unit's product range (the output width). Cut point
 * (TRUNCATED_CUTS): `partial-sums`, the rows summed in two registered halves.
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
  // Encoded widths: {sign, magnitude} for a signed operand (signMagPre), the operand itself otherwise.
  const AE = ctx.activation.signed ? A + 1 : A;
  const WE = ctx.weight.signed ? W + 1 : W;
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
  const aSign = ctx.activation.signed ? `a_enc_i[${A}]` : null;
  const wSign = ctx.weight.signed ? `w_enc_i[${W}]` : null;
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
    actEncBits: AE,
    wgtEncBits: WE,
    ...(out.split ? { split: out.split } : {}),
    modules: [
      signMagPre(prefix, 'act', ctx.activation, header),
      signMagPre(prefix, 'wgt', ctx.weight, header),
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
          aMsb: msb(AE),
          wMsb: msb(WE),
          pMsb: msb(pf.bits),
          amMsb: msb(na),
          wmMsb: msb(nw),
          aMag: AE === na ? 'a_enc_i' : `a_enc_i[${na - 1}:0]`,
          wMag: WE === nw ? 'w_enc_i' : `w_enc_i[${nw - 1}:0]`,
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
