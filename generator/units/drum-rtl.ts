/** View models of the DRUM unit's modules (templates/units/drum_enc.v.hbs, drum_core.v.hbs). */
import { bitsFor } from './common.js';
import { drumCoreMax, type DrumResolved } from './drum.js';
import { frontEnd } from './logcore.js';
import { logicMulLines } from './logicmul.js';
import { logUnitModules, signedOutCut } from './logrtl.js';
import { cutLines } from './pipeline.js';
import type { OperandSpec, ProductRange, UnitContext, UnitRtl, View } from './types.js';
import { formatDesc, lit, msb, resizeExpr, ubits } from './verilog.js';

/**
 * Encoded operand, from the LSB: kept [kBits], shift s [sBits binary, or nS bits one-hot with
 * shift: 'one-hot'], then the sign when signed.
 */
interface Layout {
  magBits: number;
  /** Kept bits of this operand: min(k, magBits) (an operand no wider than k passes exactly). */
  kBits: number;
  /** Width of s in binary (the encoder's own s). */
  sBits: number;
  /** How many shifts the operand can have: 0..nS−1. */
  nS: number;
  /** Width of s as packed: sBits, or nS when one-hot. */
  sCodeBits: number;
  oneHot: boolean;
  bits: number;
  sign: number | null;
}

function layout(spec: OperandSpec, k: number, oneHot: boolean): Layout {
  const magBits = frontEnd(spec, 'sign-magnitude', 'x').magBits;
  const kBits = Math.min(k, magBits);
  const sBits = ubits(magBits - kBits);
  const nS = magBits - kBits + 1;
  const sCodeBits = oneHot ? nS : sBits;
  const sign = spec.signed ? kBits + sCodeBits : null;
  return { magBits, kBits, sBits, nS, sCodeBits, oneHot, bits: kBits + sCodeBits + (sign === null ? 0 : 1), sign };
}

function encView(spec: OperandSpec, k: number, port: string, oneHot: boolean): View {
  const fe = frontEnd(spec, 'sign-magnitude', port);
  const L = layout(spec, k, oneHot);
  const n = spec.bits;
  const chain: string[] = [];
  for (let i = L.magBits - 1; i >= L.kBits; i--) chain.push(`mag[${i}] ? ${lit(L.sBits, i - L.kBits + 1)} :`);
  chain.push(lit(L.sBits, 0));
  return {
    opDesc: formatDesc(n, spec.signed),
    k: String(L.kBits),
    layout: `{${L.sign !== null ? 'sign, ' : ''}${L.oneHot ? `s one-hot[${L.nS}]` : `s[${L.sBits}]`}, kept[${L.kBits}]}`,
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
    // One-hot: bit t set for s = t.
    ohLine: L.oneHot
      ? `  wire [${msb(L.nS)}:0] s_oh = {${Array.from({ length: L.nS }, (_, i) => L.nS - 1 - i)
          .map((t) => `s == ${lit(L.sBits, t)}`)
          .join(', ')}};`
      : '',
    encExpr: `{${L.sign !== null ? 'sign, ' : ''}${L.oneHot ? 's_oh' : 's'}, kept}`,
  };
}

/** The sign of the product from the cut's sign signals (the operands that are signed). */
function signOf(La: Layout, Lw: Layout): string {
  return [La.sign !== null ? 'a_sign_c' : null, Lw.sign !== null ? 'w_sign_c' : null].filter(Boolean).join(' ^ ');
}

/**
 * shift: 'one-hot'. The product mp_c shifted by the one-hot total shift ss_c as an AND-OR: bit j
 * is the OR over the shifts t of mp_c[j − t] & ss_c[t]. With a signed product (`sign` given) it
 * also declares `magx` = mag ^ {sign}: since exactly one ss_c bit is set, at most one term of a
 * bit is, so the OR is also an XOR and the sign can enter the XOR of the bit's groups (pairs of
 * terms, one LUT4 each on iCE40) at the last group instead of behind the OR: one LUT level less
 * than XORing the shifted product. Measured: issue 11 notes (drum-exp).
 */
function oneHotShiftLines(Pc: number, MP: number, NSS: number, sign: string | null): string {
  const terms = (j: number): string[] => {
    const out: string[] = [];
    // ss_c is a scalar when no shift is possible (k equals both operands' magnitude widths).
    for (let t = 0; t < NSS; t++)
      if (j - t >= 0 && j - t < MP) out.push(`(mp_c[${j - t}] & ${NSS === 1 ? 'ss_c' : `ss_c[${t}]`})`);
    return out;
  };
  const bits: string[] = [];
  const xbits: string[] = [];
  for (let j = Pc - 1; j >= 0; j--) {
    const ts = terms(j);
    bits.push(ts.length ? ts.join(' | ') : "1'b0");
    const groups: string[] = [];
    for (let i = 0; i < ts.length; i += 2) groups.push(ts.slice(i, i + 2).join(' | '));
    const last = groups.pop();
    xbits.push([...groups.map((g) => `(${g})`), last === undefined ? 'sgn' : `((${last}) ^ sgn)`].join(' ^ '));
  }
  const lines = [`  wire [${msb(Pc)}:0] mag = {\n      ${bits.join(',\n      ')}};`];
  if (sign !== null)
    lines.push(
      '  // The signed form: the sign enters the last group of each bit (the shift is one-hot, so the groups',
      '  // are exclusive and their OR is their XOR).',
      `  wire sgn = ${sign};`,
      `  wire [${msb(Pc)}:0] magx = {\n      ${xbits.join(',\n      ')}};`,
    );
  return lines.join('\n');
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
  const oneHot = p.shift === 'one-hot';
  const La = layout(ctx.activation, p.k, oneHot);
  const Lw = layout(ctx.weight, p.k, oneHot);
  const Pc = ubits(drumCoreMax(p, ctx));
  // The k×k product never exceeds the core's largest output, so it is formed in at most Pc bits
  // (fewer than ka + kw when a signed operand's largest magnitude is 2^(n−1)).
  const MP = Math.min(La.kBits + Lw.kBits, Pc);
  // The total shift sa + sw: binary in SS bits, or one-hot over its NSS values.
  const NSS = La.nS + Lw.nS - 1;
  const SS = oneHot ? NSS : ubits(La.magBits - La.kBits + (Lw.magBits - Lw.kBits));
  const pf = bitsFor(range.min, range.max);
  const signed = La.sign !== null || Lw.sign !== null;
  // One-hot with a sign: the shifter's last level forms {sgn, magx}, the split product's low part
  // (oneHotShiftLines), Pc + 1 bits, which is px_o's width while the core fits the product.
  if (oneHot && signed && Pc > pf.bits)
    throw new Error(`internal error: drum one-hot: core of ${Pc} bits wider than the ${pf.bits}-bit product`);
  const out = signedOutCut(
    'sign-magnitude',
    La.sign === null ? null : `a_enc_i[${La.sign}]`,
    Lw.sign === null ? null : `w_enc_i[${Lw.sign}]`,
    "1'b0",
    "1'b0",
    Pc,
    pf.bits,
    oneHot && signed ? '{sgn, magx}' : undefined,
  );
  const core: View = {
    unitDesc: `DRUM with k = ${p.k}`,
    pDesc: formatDesc(pf.bits, pf.signed),
    aeMsb: msb(La.bits),
    weMsb: msb(Lw.bits),
    pMsb: msb(pf.bits),
    akMsb: msb(La.kBits),
    wkMsb: msb(Lw.kBits),
    asMsb: msb(La.sCodeBits),
    wsMsb: msb(Lw.sCodeBits),
    aKept: `a_enc_i[${La.kBits - 1}:0]`,
    wKept: `w_enc_i[${Lw.kBits - 1}:0]`,
    aS: `a_enc_i[${La.kBits + La.sCodeBits - 1}:${La.kBits}]`,
    wS: `w_enc_i[${Lw.kBits + Lw.sCodeBits - 1}:${Lw.kBits}]`,
    mpLines:
      p.product === 'logic'
        ? logicMulLines('ka', La.kBits, 'kw', Lw.kBits, 'mp', MP)
        : `  wire [${msb(MP)}:0] mp = ${resizeExpr('ka', La.kBits, MP)} * ${resizeExpr('kw', Lw.kBits, MP)};`,
    logicProduct: p.product === 'logic',
    ssMsb: msb(SS),
    ssExpr: oneHot
      ? `{${Array.from({ length: NSS }, (_, i) => NSS - 1 - i)
          .map((t) => {
            const terms: string[] = [];
            for (let i = 0; i < La.nS; i++) if (t - i >= 0 && t - i < Lw.nS) terms.push(`(sa[${i}] & sw[${t - i}])`);
            return terms.join(' | ');
          })
          .join(',\n      ')}}`
      : `${resizeExpr('sa', La.sBits, SS)} + ${resizeExpr('sw', Lw.sBits, SS)}`,
    oneHot,
    // One-hot: each product bit j is the OR over the shifts t of mp_c[j − t] & ss_c[t].
    magLines: oneHot ? oneHotShiftLines(Pc, MP, NSS, out.split ? signOf(La, Lw) : null) : '',
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
      encAct: encView(ctx.activation, p.k, 'a_i', oneHot),
      encWgt: encView(ctx.weight, p.k, 'w_i', oneHot),
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
