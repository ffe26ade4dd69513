/** View models of the DRUM unit's modules (templates/units/drum_enc.v.hbs, drum_core.v.hbs). */
import { bitsFor } from './common.js';
import { drumCoreMax, type DrumResolved } from './drum.js';
import { frontEnd } from './logcore.js';
import { logicMulLines } from './logicmul.js';
import { logUnitModules, signedOutCut } from './logrtl.js';
import { cutLines } from './pipeline.js';
import type { OperandSpec, ProductRange, UnitContext, UnitRtl, View } from './types.js';
import { formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/** Encoded operand, from the LSB: kept [kBits], shift s [sBits], then the sign when signed. */
interface Layout {
  magBits: number;
  /** Kept bits of this operand: min(k, magBits) (an operand no wider than k passes exactly). */
  kBits: number;
  sBits: number;
  bits: number;
  sign: number | null;
}

function layout(spec: OperandSpec, k: number): Layout {
  const magBits = frontEnd(spec, 'sign-magnitude', 'x').magBits;
  const kBits = Math.min(k, magBits);
  const sBits = ubits(magBits - kBits);
  const sign = spec.signed ? kBits + sBits : null;
  return { magBits, kBits, sBits, bits: kBits + sBits + (sign === null ? 0 : 1), sign };
}

function encView(spec: OperandSpec, k: number, port: string): View {
  const fe = frontEnd(spec, 'sign-magnitude', port);
  const L = layout(spec, k);
  const n = spec.bits;
  const chain: string[] = [];
  for (let i = L.magBits - 1; i >= L.kBits; i--) chain.push(`mag[${i}] ? ${lit(L.sBits, i - L.kBits + 1)} :`);
  chain.push(lit(L.sBits, 0));
  return {
    opDesc: formatDesc(n, spec.signed),
    k: String(L.kBits),
    layout: `{${L.sign !== null ? 'sign, ' : ''}s[${L.sBits}], kept[${L.kBits}]}`,
    inMsb: msb(n),
    encMsb: msb(L.bits),
    magMsb: msb(L.magBits),
    magExpr: fe.magExpr,
    trunc: L.magBits > L.kBits,
    sMsb: msb(L.sBits),
    sZero: lit(L.sBits, 0),
    shiftExpr: chain.join('\n      '),
    kMsb: msb(L.kBits),
    signLine: L.sign !== null ? `  wire sign = ${port}[${n - 1}];` : '',
    encExpr: `{${L.sign !== null ? 'sign, ' : ''}s, kept}`,
  };
}

/**
 * The DRUM unit's modules: per-operand encoders (magnitude, shift s, kept k bits with the lowest
 * forced to 1) and the core (exact k×k product shifted by sa + sw, sign restored), composed by
 * logUnitModules for share=true/false. `range` is the unit's product range (the output width).
 */
export function drumRtl(
  p: DrumResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  cutStages = 0,
): UnitRtl {
  const La = layout(ctx.activation, p.k);
  const Lw = layout(ctx.weight, p.k);
  const Pc = ubits(drumCoreMax(p, ctx));
  // The k×k product never exceeds the core's largest output, so it is formed in at most Pc bits
  // (fewer than ka + kw when a signed operand's largest magnitude is 2^(n−1)).
  const MP = Math.min(La.kBits + Lw.kBits, Pc);
  const SS = ubits(La.magBits - La.kBits + (Lw.magBits - Lw.kBits));
  const pf = bitsFor(range.min, range.max);
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
    unitDesc: `DRUM with k = ${p.k}`,
    pDesc: formatDesc(pf.bits, pf.signed),
    aeMsb: msb(La.bits),
    weMsb: msb(Lw.bits),
    pMsb: msb(pf.bits),
    akMsb: msb(La.kBits),
    wkMsb: msb(Lw.kBits),
    asMsb: msb(La.sBits),
    wsMsb: msb(Lw.sBits),
    aKept: `a_enc_i[${La.kBits - 1}:0]`,
    wKept: `w_enc_i[${Lw.kBits - 1}:0]`,
    aS: `a_enc_i[${La.kBits + La.sBits - 1}:${La.kBits}]`,
    wS: `w_enc_i[${Lw.kBits + Lw.sBits - 1}:${Lw.kBits}]`,
    mpLines:
      p.product === 'logic'
        ? logicMulLines('ka', La.kBits, 'kw', Lw.kBits, 'mp', MP)
        : `  wire [${msb(MP)}:0] mp = ${resizeExpr('ka', La.kBits, MP)} * ${resizeExpr('kw', Lw.kBits, MP)};`,
    logicProduct: p.product === 'logic',
    ssMsb: msb(SS),
    ssExpr: `${resizeExpr('sa', La.sBits, SS)} + ${resizeExpr('sw', Lw.sBits, SS)}`,
    pcMsb: msb(Pc),
    mpExt: resizeExpr('mp_c', MP, Pc),
    outLogic: out.outLogic,
    shiftCut: cutLines(
      'shift',
      [{ name: 'mp_c', bits: MP, expr: 'mp' }, { name: 'ss_c', bits: SS, expr: 'ss' }, ...out.signals],
      cutStages >= 1,
    ),
  };
  return logUnitModules(
    {
      encTemplate: 'units/drum_enc.v.hbs',
      encAct: encView(ctx.activation, p.k, 'a_i'),
      encWgt: encView(ctx.weight, p.k, 'w_i'),
      actEncBits: La.bits,
      wgtEncBits: Lw.bits,
      coreTemplate: 'units/drum_core.v.hbs',
      split: out.split,
      core,
      unitDesc: 'DRUM multiplier',
      coreStages: cutStages >= 1 ? 1 : 0,
      encodeCut: !p.share && cutStages >= 2,
    },
    p.share,
    ctx,
    prefix,
    header,
  );
}
