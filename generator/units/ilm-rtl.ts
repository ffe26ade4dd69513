/** View models of the ILM unit's modules (templates/units/ilm_*.v.hbs). */
import { bitsFor } from './common.js';
import type { IlmResolved } from './ilm.js';
import { ilmCoreMax } from './ilm.js';
import { frontEnd, leadingOneExpr, type SignedMode } from './logcore.js';
import { logUnitModules, signedOutCut } from './logrtl.js';
import { cutLines } from './pipeline.js';
import type { OperandSpec, ProductRange, UnitContext, UnitRtl, View } from './types.js';
import { dec, formatDesc, msb, resizeExpr, ubits } from './verilog.js';
import { count } from '../infra/text.js';

interface Layout {
  magBits: number;
  kBits: number;
  mBits: number;
  stageBits: number;
  bits: number;
  sign: number | null;
  opZero: number | null;
}

function layout(spec: OperandSpec, mode: SignedMode, stages: number): Layout {
  const fe = frontEnd(spec, mode, 'x');
  const magBits = fe.magBits;
  const kBits = ubits(magBits - 1);
  const mBits = Math.max(1, magBits - 1);
  const stageBits = mBits + kBits + 1;
  let pos = stageBits * stages;
  const sign = fe.hasSign ? pos++ : null;
  const opZero = fe.hasOpZero ? pos++ : null;
  return { magBits, kBits, mBits, stageBits, bits: pos, sign, opZero };
}

/** Slices of stage j: { m [mBits], k [kBits], z } from the LSB. */
function stageSlices(enc: string, L: Layout, j: number) {
  const base = j * L.stageBits;
  return {
    m: `${enc}[${base + L.mBits - 1}:${base}]`,
    k: `${enc}[${base + L.mBits + L.kBits - 1}:${base + L.mBits}]`,
    z: `${enc}[${base + L.stageBits - 1}]`,
  };
}

function encView(spec: OperandSpec, mode: SignedMode, port: string, stages: number): View {
  const fe = frontEnd(spec, mode, port);
  const L = layout(spec, mode, stages);
  const n = spec.bits;
  const st = Array.from({ length: stages }, (_, j) => ({
    j: dec(j),
    vExpr: j === 0 ? 'mag' : resizeExpr(`m${j - 1}`, L.mBits, L.magBits),
    lodExpr: leadingOneExpr(`v${j}`, L.magBits, L.kBits),
    unusedTop:
      L.mBits < L.magBits ? `\n  wire unused_c${j} = c${j}[${L.magBits - 1}];  // the cleared leading one` : '',
  }));
  const fields: string[] = [];
  if (L.opZero !== null) fields.push('op_zero');
  if (L.sign !== null) fields.push('sign');
  for (let j = stages - 1; j >= 0; j--) fields.push(`z${j}`, `k${j}`, `m${j}`);
  const flags: string[] = [];
  if (L.sign !== null) flags.push(`  wire sign = ${port}[${n - 1}];`);
  if (L.opZero !== null) flags.push(`  wire op_zero = (${port} == ${n}'d0);  // ~(-1) = 0 is not a zero operand`);
  return {
    opDesc: `${n}-bit ${spec.signed ? `signed, ${mode}` : 'unsigned'}`,
    stages: dec(stages),
    layout: `{${[...(L.opZero !== null ? ['op_zero'] : []), ...(L.sign !== null ? ['sign'] : []), `(z, k[${L.kBits}], m[${L.mBits}]) x ${stages}, last stage first`].join(', ')}}`,
    inMsb: msb(n),
    encMsb: msb(L.bits),
    magMsb: msb(L.magBits),
    magExpr: fe.magExpr,
    magZero: `${L.magBits}'d0`,
    kMsb: msb(L.kBits),
    mMsb: msb(L.mBits),
    one: `${L.magBits}'d1`,
    stageList: st,
    flagLines: flags.join('\n'),
    encExpr: `{${fields.join(', ')}}`,
  };
}

/**
 * The ILM unit's modules: encoders (leading-one chain of every stage, per operand) and the core
 * (one basic block per stage, summed), composed by logUnitModules for share=true/false.
 * `range` is the unit's product range (the output width). Cut points (logCuts): `blocks`, before
 * the sum of the basic blocks and the sign restore (without corrections, before the one block's own
 * adder: its two shifted addends cross the cut); with share=false also `encode`.
 */
export function ilmRtl(
  p: IlmResolved,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
  cutStages = 0,
): UnitRtl {
  const mode = p.signedMode;
  const stages = p.corrections + 1;
  const La = layout(ctx.activation, mode, stages);
  const Lw = layout(ctx.weight, mode, stages);
  const Pc = ubits(ilmCoreMax(p, ctx));
  const pf = bitsFor(range.min, range.max);
  const SB = ubits(La.magBits - 1 + (Lw.magBits - 1));
  const blocks = Array.from({ length: stages }, (_, j) => {
    const a = stageSlices('a_enc_i', La, j);
    const w = stageSlices('w_enc_i', Lw, j);
    return {
      j: dec(j),
      aZ: a.z,
      wZ: w.z,
      aK: a.k,
      wK: w.k,
      aM: a.m,
      wM: w.m,
      ks: `${resizeExpr(`ka${j}`, La.kBits, SB)} + ${resizeExpr(`kw${j}`, Lw.kBits, SB)}`,
      maExt: resizeExpr(`ma${j}`, La.mBits, Pc),
      mwExt: resizeExpr(`mw${j}`, Lw.mBits, Pc),
    };
  });
  const gateAddends = blocks.length === 1;
  const slice = (enc: string, b: number | null) => (b === null ? null : `${enc}[${b}]`);
  const out = signedOutCut(
    mode,
    slice('a_enc_i', La.sign),
    slice('w_enc_i', Lw.sign),
    slice('a_enc_i', La.opZero) ?? 'za0',
    slice('w_enc_i', Lw.opZero) ?? 'zw0',
    Pc,
    pf.bits,
  );
  const core: View = {
    unitDesc: `ILM with ${count(p.corrections, 'correction')}`,
    pDesc: formatDesc(pf.bits, pf.signed),
    aeMsb: msb(La.bits),
    weMsb: msb(Lw.bits),
    pMsb: msb(pf.bits),
    akMsb: msb(La.kBits),
    wkMsb: msb(Lw.kBits),
    amMsb: msb(La.mBits),
    wmMsb: msb(Lw.mBits),
    ksMsb: msb(SB),
    pcMsb: msb(Pc),
    pcZero: `${Pc}'d0`,
    pcOne: `${Pc}'d1`,
    blockList: blocks,
    // One block (no correction): its two addends are cleared for a zero operand ahead of the
    // adder, which then sits below the cut (measured on the 4x4 hx8k array, 2026-12-06: 76.2
    // against 68.1 MHz without stages, PE LUT4 the same). With corrections each block's sum is
    // cleared instead: a clear after each block's adder keeps Yosys from merging every block's
    // two addends into one multi-operand sum, which cost 22-35 % more LUT4 per PE at c = 1, 2.
    gateAddends,
    sumExpr: gateAddends
      ? blocks.map((b) => `tl${b.j}_c + tr${b.j}_c`).join(' + ')
      : blocks.map((b) => `t${b.j}_c`).join(' + '),
    outLogic: out.outLogic,
    blocksCut: cutLines(
      'blocks',
      [
        ...blocks.flatMap((b) =>
          gateAddends
            ? [
                { name: `tl${b.j}_c`, bits: Pc, expr: `tl${b.j}` },
                { name: `tr${b.j}_c`, bits: Pc, expr: `tr${b.j}` },
              ]
            : [{ name: `t${b.j}_c`, bits: Pc, expr: `t${b.j}` }],
        ),
        ...out.signals,
      ],
      cutStages >= 1,
    ),
  };
  return logUnitModules(
    {
      encTemplate: 'units/ilm_enc.v.hbs',
      encAct: encView(ctx.activation, mode, 'a_i', stages),
      encWgt: encView(ctx.weight, mode, 'w_i', stages),
      actEncBits: La.bits,
      wgtEncBits: Lw.bits,
      coreTemplate: 'units/ilm_core.v.hbs',
      split: out.split,
      core,
      unitDesc: 'ILM multiplier',
      coreStages: cutStages >= 1 ? 1 : 0,
      encodeCut: !p.share && cutStages >= 2,
    },
    p.share,
    ctx,
    prefix,
    header,
  );
}
