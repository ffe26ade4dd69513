/**
 * ILM: Babić, Avramović and Bulić's iterative logarithmic multiplier (units.md). The basic block
 * P0(A,B) = 2^(kA+kB) + mA·2^kB + mB·2^kA (0 for a zero operand); each correction adds the basic
 * block of the two residues: P_i(A,B) = P0(A,B) + P_(i−1)(mA, mB). Every per-operand quantity of the
 * chain (k, m, then k and m of m, …) depends on one operand only, so with share=true the whole chain
 * is formed at the array edge and each PE keeps the shifters and adders of the i+1 basic blocks.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { bitsFor } from './common.js';
import { coreMax, frontEnd, leadingOne, leadingOneExpr, maxMagnitude, rangeFromCore, shareSchema, signedModeSchema, signedProduct, unitRange, type SignedMode } from './logcore.js';
import { logUnitModules, signedOutLines } from './logrtl.js';
import { dec, formatDesc, msb, resizeExpr, ubits } from './verilog.js';
import { defineUnit, type OperandSpec, type ProductRange, type UnitContext, type View } from './types.js';

export const ilmSchema = {
  type: 'object',
  title: 'ILM iterative logarithmic multiplier',
  description:
    'Babić et al. (2011): the basic block 2^(kA+kB) + mA·2^kB + mB·2^kA plus `corrections` further basic blocks on ' +
    'the residues. Never overestimates; the worst relative error shrinks about 4× per correction.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'ilm', description: 'Iterative logarithmic multiplier.' },
    corrections: {
      type: 'integer',
      minimum: 0,
      maximum: 3,
      default: 1,
      description: 'Correction terms i after the basic block, 0..3 (8-bit worst relative error 24.8 %, 6.10 %, 1.48 %, 0.35 %). Each is one more basic block per PE.',
    },
    signedMode: signedModeSchema,
    share: shareSchema,
  },
} as const;

/** Params as written (defaulted keys optional). */
export type IlmParams = FromSchema<typeof ilmSchema, { keepDefaultedPropertiesOptional: true }>;
/** Params of a resolved config: the normalizer (ajv) filled every default. */
type Resolved = FromSchema<typeof ilmSchema>;

/** DSL helper: `multiplier: ilm({ corrections: 2 })`. */
export function ilm(p: Omit<IlmParams, 'kind'> = {}): IlmParams {
  return { kind: 'ilm', ...p };
}

/** P0: one basic block. */
function basicBlock(A: number, B: number): number {
  if (A === 0 || B === 0) return 0;
  const kA = leadingOne(A);
  const kB = leadingOne(B);
  const mA = A - 2 ** kA;
  const mB = B - 2 ** kB;
  return 2 ** (kA + kB) + mA * 2 ** kB + mB * 2 ** kA;
}

/** P_i on magnitudes, by the recursion of the definition (the residue of 0 is 0). */
export function ilmCore(A: number, B: number, i: number): number {
  if (i < 0 || A === 0 || B === 0) return 0;
  const mA = A - 2 ** leadingOne(A);
  const mB = B - 2 ** leadingOne(B);
  return basicBlock(A, B) + ilmCore(mA, mB, i - 1);
}

export function ilmMultiply(a: number, w: number, p: Resolved): number {
  return signedProduct(a, w, p.signedMode, (x, y) => ilmCore(x, y, p.corrections));
}

function ilmCoreMax(p: Resolved, ctx: UnitContext): number {
  // ILM never overestimates (P_i ≤ A·B by induction), so the magnitudes' product bounds it.
  return coreMax(['ilm', p], ctx, p.signedMode, (x, y) => ilmCore(x, y, p.corrections), () => maxMagnitude(ctx.activation, p.signedMode) * maxMagnitude(ctx.weight, p.signedMode));
}

function ilmRange(p: Resolved, ctx: UnitContext): ProductRange {
  return unitRange(['ilm', p], ctx, (a, w) => ilmMultiply(a, w, p), () => rangeFromCore(ilmCoreMax(p, ctx), ctx, p.signedMode));
}

/* ---------------------------------------------------------------------------------------------- RTL */

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
    unusedTop: L.mBits < L.magBits ? `\n  wire unused_c${j} = c${j}[${L.magBits - 1}];  // the cleared leading one` : '',
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
    layout: `{${[...(L.opZero !== null ? ['op_zero'] : []), ...(L.sign !== null ? ['sign'] : []), `(z, k[${L.kBits}], m[${L.mBits}]) × ${stages}, last stage first`].join(', ')}}`,
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

function ilmRtl(p: Resolved, ctx: UnitContext, prefix: string, header: (t: string) => string) {
  const mode = p.signedMode;
  const stages = p.corrections + 1;
  const La = layout(ctx.activation, mode, stages);
  const Lw = layout(ctx.weight, mode, stages);
  const Pc = ubits(ilmCoreMax(p, ctx));
  const range = ilmRange(p, ctx);
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
  const slice = (enc: string, b: number | null) => (b === null ? null : `${enc}[${b}]`);
  const core: View = {
    unitDesc: `ILM with ${p.corrections} correction${p.corrections === 1 ? '' : 's'}`,
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
    sumExpr: blocks.map((b) => `t${b.j}`).join(' + '),
    outLogic: signedOutLines(
      mode,
      slice('a_enc_i', La.sign),
      slice('w_enc_i', Lw.sign),
      slice('a_enc_i', La.opZero) ?? 'za0',
      slice('w_enc_i', Lw.opZero) ?? 'zw0',
      Pc,
      pf.bits,
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
      core,
      unitDesc: 'ILM multiplier',
    },
    p.share,
    ctx,
    prefix,
    header,
  );
}

export const ilmUnit = defineUnit({
  kind: 'ilm',
  schema: ilmSchema,
  describe(p: IlmParams) {
    const r = p;
    return `ilm(corrections=${r.corrections}${r.signedMode === 'ones-complement' ? ', ones-complement' : ''}${r.share ? '' : ', share=false'})`;
  },
  rules: () => [],
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: Resolved) => ilmMultiply(a, w, p),
  productRange: (p: Resolved, ctx: UnitContext) => ilmRange(p, ctx),
  rtl: (p: Resolved, ctx: UnitContext, prefix: string, header: (t: string) => string) => ilmRtl(p, ctx, prefix, header),
});
