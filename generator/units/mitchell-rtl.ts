/** View models of the Mitchell unit's modules (templates/units/mitchell_*.v.hbs). */
import type { OperandSpec, ProductRange, UnitContext, UnitRtl, View } from './types.js';
import { frontEnd, normalizerLines, type FrontEnd, type SignedMode } from './logcore.js';
import { logCuts, logUnitModules, signedOutCut } from './logrtl.js';
import { cutLines } from './pipeline.js';
import { dec, formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';
import type { MitchellResolved } from './mitchell.js';
import { compensationConstant, mitchellCoreMax, workingFraction } from './mitchell.js';
import { bitsFor } from './common.js';

export interface Layout {
  fe: FrontEnd;
  bits: number;
  /** Bit positions (LSB first): x [t-1:0], k [t+KB-1:t], zero, sign?, opZero? */
  zero: number;
  sign: number | null;
  opZero: number | null;
}

/** Bit layout of a Mitchell-encoded operand (also the ALM-SOA unit's encoder, generator/units/alm-soa-rtl.ts). */
export function layout(spec: OperandSpec, mode: SignedMode, x: string, t: number, KB: number): Layout {
  const fe = frontEnd(spec, mode, x);
  let pos = t + KB;
  const zero = pos++;
  const sign = fe.hasSign ? pos++ : null;
  const opZero = fe.hasOpZero ? pos++ : null;
  return { fe, bits: pos, zero, sign, opZero };
}

const opDesc = (s: OperandSpec, mode: SignedMode) => `${s.bits}-bit ${s.signed ? `signed, ${mode}` : 'unsigned'}`;

/** View of templates/units/mitchell_enc.v.hbs for one operand (shared with ALM-SOA). */
export function encView(spec: OperandSpec, mode: SignedMode, port: string, t: number, N: number, KB: number): View {
  const L = layout(spec, mode, port, t, KB);
  const n = spec.bits;
  const fields = [
    ...(L.opZero !== null ? ['op_zero'] : []),
    ...(L.sign !== null ? ['sign'] : []),
    'zero',
    'k',
    `norm[${N - 2}:${N - 1 - t}]`,
  ];
  const layoutDesc = [
    ...(L.opZero !== null ? ['op_zero'] : []),
    ...(L.sign !== null ? ['sign'] : []),
    'zero',
    `k[${KB}]`,
    `x[${t}]`,
  ].join(', ');
  const flag: string[] = [];
  if (L.sign !== null) flag.push(`  wire sign = ${port}[${n - 1}];`);
  if (L.opZero !== null) flag.push(`  wire op_zero = (${port} == ${n}'d0);  // ~(-1) = 0 is not a zero operand`);
  const lo = N - 1 - t;
  return {
    opDesc: opDesc(spec, mode),
    tBits: dec(t),
    nMinus1: msb(N),
    layout: `{${layoutDesc}}`,
    inMsb: msb(n),
    encMsb: msb(L.bits),
    magMsb: msb(L.fe.magBits),
    magExpr: L.fe.magExpr,
    magZero: `${L.fe.magBits}'d0`,
    normLines: normalizerLines(resizeExpr('mag', L.fe.magBits, N), N, KB),
    flagLines: flag.join('\n'),
    encExpr: `{${fields.join(', ')}}`,
    unusedNorm: lo > 0 ? `^{norm[${N - 1}], norm[${lo - 1}:0]}` : `norm[${N - 1}]`,
  };
}

/**
 * Mitchell's pipeline cut points (UnitDef.cuts): `antilog`, between the sum of the logarithms and
 * the antilog shifter (mantissa, shift amount, zero and sign flags cross it); with share=false also
 * `encode`, between the PE's own encoders and the core.
 */
export function mitchellCuts(share: boolean | undefined): readonly string[] {
  return logCuts(share, 'antilog');
}

export function mitchellRtl(
  p: MitchellResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  stages = 0,
): UnitRtl {
  const mode = p.signedMode as SignedMode;
  const N = Math.max(ctx.activation.bits, ctx.weight.bits);
  const t = p.fractionBits;
  const F = workingFraction(p);
  const KB = ubits(N - 1);
  const La = layout(ctx.activation, mode, 'a_i', t, KB);
  const Lw = layout(ctx.weight, mode, 'w_i', t, KB);
  const Pc = ubits(mitchellCoreMax(p, ctx));
  const pf = bitsFor(range.min, range.max);
  const P = pf.bits;
  const bias = p.compensation === 'bias';
  const MW = bias ? F + 2 : F + 1;
  const WW = Math.max(F + Pc, MW);
  const SB = ubits(2 * (N - 1) + 1);
  const C = compensationConstant(F);
  const CH = Math.floor(C / 2);
  const sl = (enc: string, L: Layout, what: 'zero' | 'sign' | 'opZero') => {
    const b = L[what];
    return b === null ? null : `${enc}[${b}]`;
  };
  const frac = (x: string) => (p.unbias ? `{${x}, 1'b1}` : x);
  const aSign = sl('a_enc_i', La, 'sign');
  const wSign = sl('w_enc_i', Lw, 'sign');
  const out = signedOutCut(
    mode,
    aSign,
    wSign,
    sl('a_enc_i', La, 'opZero') ?? 'a_zero',
    sl('w_enc_i', Lw, 'opZero') ?? 'w_zero',
    Pc,
    P,
  );
  const antilogCut = cutLines(
    'antilog',
    [
      { name: 'mant_c', bits: MW, expr: 'mant' },
      { name: 'sh_c', bits: SB, expr: 'sh' },
      { name: 'zero_c', bits: 1, expr: 'a_zero | w_zero' },
      ...out.signals,
    ],
    stages >= 1,
  );
  const unusedWide = WW > F + Pc ? `^{wide[${WW - 1}:${F + Pc}], wide[${F - 1}:0]}` : `^wide[${F - 1}:0]`;
  const core: View = {
    unitDesc: `mitchell, t=${t}${p.unbias ? ', unbias' : ''}${bias ? ', bias compensation' : ''}`,
    fracNote: p.unbias
      ? ` (t = ${t} kept bits and the appended half-LSB 1)`
      : t < N - 1
        ? ` (truncated from ${N - 1})`
        : '',
    pDesc: formatDesc(P, pf.signed),
    aeMsb: msb(La.bits),
    weMsb: msb(Lw.bits),
    pMsb: msb(P),
    aZero: `a_enc_i[${La.zero}]`,
    wZero: `w_enc_i[${Lw.zero}]`,
    kMsb: msb(KB),
    aK: `a_enc_i[${t + KB - 1}:${t}]`,
    wK: `w_enc_i[${t + KB - 1}:${t}]`,
    fMsb: msb(F),
    fBits: dec(F),
    aFrac: frac(`a_enc_i[${t - 1}:0]`),
    wFrac: frac(`w_enc_i[${t - 1}:0]`),
    bias,
    cDec: dec(C),
    chDec: dec(CH),
    againExpr: CH === 0 ? "1'b0" : `f >= ${F}'d${2 ** F - CH}`,
    chLit: `${MW}'d${CH}`,
    cLit: `${MW}'d${C}`,
    mantMsb: msb(MW),
    shMsb: msb(SB),
    kaExt: resizeExpr('a_k', KB, SB),
    kbExt: resizeExpr('w_k', KB, SB),
    carryExt: resizeExpr('carry', 1, SB),
    wideMsb: msb(WW),
    mantExt: resizeExpr('mant_c', MW, WW),
    pcMsb: msb(Pc),
    pcZero: lit(Pc, 0),
    wideTop: msb(F + Pc),
    unusedWide,
    outLogic: out.outLogic,
    antilogCut,
  };
  return logUnitModules(
    {
      encTemplate: 'units/mitchell_enc.v.hbs',
      encAct: encView(ctx.activation, mode, 'a_i', t, N, KB),
      encWgt: encView(ctx.weight, mode, 'w_i', t, N, KB),
      actEncBits: La.bits,
      wgtEncBits: Lw.bits,
      coreTemplate: 'units/mitchell_core.v.hbs',
      split: out.split,
      core,
      unitDesc: 'Mitchell multiplier',
      coreStages: stages >= 1 ? 1 : 0,
      encodeCut: !p.share && stages >= 2,
    },
    p.share,
    ctx,
    prefix,
    header,
  );
}
