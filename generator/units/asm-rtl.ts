/**
 * View models of the ASM unit's modules (templates/units/asm_*.v.hbs): the pre-computer bank of
 * alphabet multiples of the activation, the weight decode (per quartet: one-hot select and shift),
 * and the product (select, shift, add, restore the sign). With share=true the bank is the array's
 * `<p>_act_pre` and the decode its `<p>_wgt_pre`; with share=false both sit inside `<p>_mul`.
 */
import { cutLines, stagePorts } from './pipeline.js';
import type { AsmParams } from './asm.js';
import { alphabetOf, factor, floorQuartetValue, quartetWidths } from './asm.js';
import { bitsFor, identityPre, operandRange } from './common.js';
import type { ModuleSpec, ProductRange, SplitProduct, UnitContext, UnitRtl, View } from './types.js';
import { negatedSplit, negatedSplitLines, splitPorts } from './logrtl.js';
import { dec, extendExpr, formatDesc, msb } from './verilog.js';

/** Bank members that some quartet of the weight magnitude can select. */
function bankMembers(alphabet: readonly number[], bits: number): number[] {
  const top = Math.max(...quartetWidths(bits).map((w) => 2 ** w - 1));
  return alphabet.filter((a) => a <= top);
}

/** Shift-and-add expression of a·m in `width` bits from the extended activation `x` (and smaller multiples). */
function multipleExpr(
  m: number,
  x: string,
  done: Map<number, { name: string; width: number }>,
  width: number,
  signed: boolean,
): string {
  if (m === 1) return x;
  const terms: string[] = [];
  for (let b = 0; b < 4; b++) if (m & (1 << b)) terms.push(b === 0 ? x : `(${x} << ${b})`);
  if (terms.length <= 2) return terms.join(' + '); // 3, 5, 9: a + (a << s)
  const pow = Math.log2(m + 1);
  if (Number.isInteger(pow)) return `(${x} << ${pow}) - ${x}`; // 7, 15: (a << s) - a
  const prev = done.get(m - 8);
  if (m > 8 && prev) return `${extendExpr(prev.name, prev.width, width, signed)} + (${x} << 3)`; // 11 = 3 + 8, 13 = 5 + 8
  return terms.join(' + ');
}

/** One lane of the bank: a·m in `width` bits at bits [lo+width-1:lo] of the bank. */
interface BankLane {
  name: string;
  msb: string;
  ext: string;
  xName: string;
  hasExt: boolean;
  expr: string;
  slice: string;
  width: number;
  lo: number;
}

/** The bank's lanes, least significant first, each as wide as the multiple's range needs. */
function bankLanes(members: readonly number[], ctx: UnitContext): BankLane[] {
  const A = ctx.activation.bits;
  const aS = ctx.activation.signed;
  const ar = operandRange(ctx.activation);
  const done = new Map<number, { name: string; width: number }>();
  let lo = 0;
  return members.map((m) => {
    const width = m === 1 ? A : bitsFor(ar.min * m, ar.max * m).bits;
    const name = `a_m${m}`;
    const x = m === 1 ? 'a_i' : `a_x${m}`;
    const lane = {
      name,
      msb: msb(width),
      ext: m === 1 ? '' : extendExpr('a_i', A, width, aS),
      xName: x,
      hasExt: m !== 1,
      expr: multipleExpr(m, x, done, width, aS),
      slice: `[${lo + width - 1}:${lo}]`,
      width,
      lo,
    };
    done.set(m, { name, width });
    lo += width;
    return lane;
  });
}

/** The decode of one weight quartet: its case table, slice of the magnitude and fields of `dec`. */
interface Quartet {
  name: string;
  fieldMsb: string;
  fieldBits: string;
  sliceHi: string;
  sliceLo: string;
  caseLines: string[];
  selName: string;
  termName: string;
  selExpr: string;
  shHi: string;
  shLo: string;
  qShift: string;
}

/**
 * Per quartet q of the weight magnitude: a case table flooring each value to a supported one and
 * coding it as a one-hot select over `members` (low L bits) and a 2-bit shift (top bits), and the
 * product-side expressions that select the bank multiple (P bits wide).
 */
function quartetDecodes(alphabet: readonly number[], members: readonly number[], W: number, P: number): Quartet[] {
  const L = members.length;
  const field = L + 2;
  let qlo = 0;
  return quartetWidths(W).map((width, q) => {
    const caseLines: string[] = [];
    for (let v = 1; v < 2 ** width; v++) {
      const f = factor(floorQuartetValue(v, alphabet), alphabet);
      const onehot = f ? 1 << members.indexOf(f.a) : 0;
      const code = f ? (f.s << L) | onehot : 0;
      const bin = code.toString(2).padStart(field, '0');
      caseLines.push(
        `${width}'d${v}: q${q}_enc = ${field}'b${bin};${f ? `  // ${v} -> ${f.a}<<${f.s}${f.a * 2 ** f.s !== v ? ' (floored)' : ''}` : '  // -> 0'}`,
      );
    }
    const item = {
      name: `q${q}_enc`,
      fieldMsb: msb(field),
      fieldBits: dec(field),
      sliceHi: msb(qlo + width),
      sliceLo: dec(qlo),
      caseLines,
      selName: `q${q}_sel`,
      termName: `q${q}_term`,
      selExpr: members.map((_m, j) => `({${P}{dec[${q * field + j}]}} & ${`p_m${members[j]}`})`).join(' | '),
      shHi: dec(q * field + L + 1),
      shLo: dec(q * field + L),
      qShift: dec(4 * q),
    };
    qlo += width;
    return item;
  });
}

function bankView(module: string, lanes: BankLane[], ctx: UnitContext, header: (template: string) => string): View {
  const A = ctx.activation.bits;
  const bankBits = lanes.reduce((n, l) => n + l.width, 0);
  return {
    header: header('units/asm_bank.v.hbs'),
    module,
    membersDesc: lanes.map((l) => `${l.name.slice('a_m'.length)}a`).join(', '),
    aDesc: `${A}-bit ${ctx.activation.signed ? "two's complement" : 'unsigned'}`,
    layoutDesc: lanes.map((l) => `${l.name}${l.slice}`).join(', '),
    aMsb: msb(A),
    encMsb: msb(bankBits),
    // The 1a lane is the activation itself: no wire of its own.
    lanes: lanes
      .filter((l) => l.expr !== l.name && l.expr !== 'a_i')
      .map((l) => ({ name: l.name, msb: l.msb, xName: l.xName, ext: l.ext, hasExt: l.hasExt, expr: l.expr })),
    concat:
      lanes.length === 1
        ? lanes[0]!.expr
        : `{${lanes
            .map((l) => (l.expr === 'a_i' ? 'a_i' : l.name))
            .reverse()
            .join(', ')}}`,
  };
}

function decView(
  module: string,
  alphabet: readonly number[],
  members: readonly number[],
  quartets: Quartet[],
  decBits: number,
  ctx: UnitContext,
  header: (template: string) => string,
): View {
  const W = ctx.weight.bits;
  const wS = ctx.weight.signed;
  const L = members.length;
  const field = L + 2;
  return {
    header: header('units/asm_dec.v.hbs'),
    module,
    wDesc: `${W}-bit ${wS ? "two's complement weight, decoded as sign and magnitude," : 'unsigned weight,'}`,
    alphabetDesc: `{${alphabet.join(',')}}`,
    layoutDesc:
      `per quartet q (${field} bits at q*${field}): one-hot select over {${members.join(',')}} in the low ${L} bits, shift s in the top 2` +
      (wS ? `; bit ${decBits - 1}: weight sign` : ''),
    wMsb: msb(W),
    encMsb: msb(decBits),
    magLine: wS
      ? `wire [${W - 1}:0] w_mag = w_i[${W - 1}] ? (~w_i + ${W}'d1) : w_i;`
      : `wire [${W - 1}:0] w_mag = w_i;`,
    quartets: quartets.map((q) => ({
      name: q.name,
      fieldMsb: q.fieldMsb,
      fieldBits: q.fieldBits,
      sliceHi: q.sliceHi,
      sliceLo: q.sliceLo,
      caseLines: q.caseLines,
    })),
    concat: `{${[...(wS ? ['w_i[' + (W - 1) + ']'] : []), ...quartets.map((q) => q.name).reverse()].join(', ')}}`,
  };
}

interface MulShape {
  prefix: string;
  share: boolean;
  lanes: BankLane[];
  quartets: Quartet[];
  bankBits: number;
  decBits: number;
  prod: { bits: number; signed: boolean };
  /** The split product when a signed weight negates (logrtl.ts negatedSplit). */
  split: SplitProduct | null;
}

/** ASM's pipeline cut points (UnitDef.cuts): `select`, between the quartets' select-and-shift and their sum. */
export const ASM_CUTS = ['select'] as const;

function mulView(x: MulShape, ctx: UnitContext, header: (template: string) => string, stages: number): View {
  const P = x.prod.bits;
  const wS = ctx.weight.signed;
  const cut = stages >= 1;
  const negBit = `dec[${x.decBits - 1}]`;
  const neg = cut ? 'neg_c' : negBit;
  const split = x.split;
  const sel = (n: string) => (cut ? `${n}_c` : n);
  return {
    stagePorts: stagePorts(stages),
    selectCut: cut
      ? cutLines(
          'select',
          [
            ...x.quartets.map((q) => ({ name: `${q.termName}_c`, bits: P, expr: q.termName })),
            ...(wS ? [{ name: 'neg_c', bits: 1, expr: negBit }] : []),
          ],
          true,
        )
      : false,
    header: header('units/asm_mul.v.hbs'),
    module: `${x.prefix}_mul`,
    where: x.share
      ? 'the bank and the weight decode arrive precomputed (shared at the array edges)'
      : 'the bank and the weight decode are formed here, inside every PE (share=false)',
    pDesc: formatDesc(P, x.prod.signed),
    aeMsb: msb(x.share ? x.bankBits : ctx.activation.bits),
    weMsb: msb(x.share ? x.decBits : ctx.weight.bits),
    pMsb: msb(P),
    bankMsb: msb(x.bankBits),
    decMsb: msb(x.decBits),
    local: !x.share,
    bankModule: `${x.prefix}_asm_bank`,
    decModule: `${x.prefix}_asm_dec`,
    members: x.lanes.map((l) => ({
      name: `p_m${l.name.slice('a_m'.length)}`,
      ext: extendExpr(`bank${l.slice}`, l.width, P, ctx.activation.signed),
    })),
    quartets: x.quartets.map((q) => ({
      selName: q.selName,
      termName: q.termName,
      selExpr: q.selExpr,
      // quartet q sits 4q bits up (no shift for quartet 0)
      termExpr: `(${q.selName} << dec[${q.shHi}:${q.shLo}])${q.qShift === '0' ? '' : ` << ${q.qShift}`}`,
    })),
    sumExpr: x.quartets.map((q) => sel(q.termName)).join(' + '),
    outExpr: wS ? `${neg} ? (${P}'d0 - mag) : mag` : 'mag',
    aSigned: ctx.activation.signed,
    splitPorts: splitPorts(split),
    splitLines: split ? negatedSplitLines('mag', P, ctx.activation.signed, neg, split) : false,
  };
}

/**
 * The ASM unit's modules. `range` is the unit's product range (the output width P); every bank
 * lane is at most P bits wide (checked).
 */
export function asmRtl(
  p: AsmParams,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (template: string) => string,
  stages = 0,
): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const alphabet = alphabetOf(p);
  const share = p.share !== false;
  const prod = bitsFor(range.min, range.max);
  const members = bankMembers(alphabet, W);
  const lanes = bankLanes(members, ctx);
  if (lanes.some((l) => l.width > prod.bits))
    throw new Error(`internal error: ASM bank lane wider than the ${prod.bits}-bit product`);
  const quartets = quartetDecodes(alphabet, members, W, prod.bits);
  const bankBits = lanes.reduce((n, l) => n + l.width, 0);
  const decBits = quartets.length * (members.length + 2) + (ctx.weight.signed ? 1 : 0);
  const bank = (module: string): ModuleSpec => ({
    module,
    template: 'units/asm_bank.v.hbs',
    view: bankView(module, lanes, ctx, header),
  });
  const decode = (module: string): ModuleSpec => ({
    module,
    template: 'units/asm_dec.v.hbs',
    view: decView(module, alphabet, members, quartets, decBits, ctx, header),
  });
  // A signed weight negates a·|w| (two's complement when the activation is signed).
  const split = ctx.weight.signed ? negatedSplit(ctx.activation.signed, range, prod.bits) : null;
  const mul: ModuleSpec = {
    module: `${prefix}_mul`,
    template: 'units/asm_mul.v.hbs',
    view: mulView({ prefix, share, lanes, quartets, bankBits, decBits, prod, split }, ctx, header, stages),
  };
  const modules: ModuleSpec[] = share
    ? [bank(`${prefix}_act_pre`), decode(`${prefix}_wgt_pre`), mul]
    : [
        identityPre(prefix, 'act', A, header),
        identityPre(prefix, 'wgt', W, header),
        bank(`${prefix}_asm_bank`),
        decode(`${prefix}_asm_dec`),
        mul,
      ];
  return {
    actEncBits: share ? bankBits : A,
    wgtEncBits: share ? decBits : W,
    ...(split ? { split } : {}),
    modules,
  };
}
