/**
 * ASM: the alphabet set multiplier (Sarwar, Venkataramani, Raghunathan, Roy, DATE 2016).
 *
 * The weight magnitude is cut into 4-bit quartets from the least significant end (the top quartet
 * is narrower when the width is not a multiple of 4). A quartet is supported when it is 0 or a·2^s
 * for an alphabet member a. The product is the sum over quartets of (a·I) << (4q + s), where a·I
 * comes from a pre-computer bank of alphabet multiples of the activation I.
 *
 * Conventions chosen here (documented in the README):
 * - The alphabet must contain 1: then every power of two is supported, so a nonzero quartet never
 *   collapses to 0 and the most negative signed weight −2^(n−1) is always supported.
 * - Signed weights are sign-magnitude: the magnitude |w| (up to 2^(n−1), held in n bits) is mapped
 *   and decoded, the sign is restored. Activations are two's complement (or unsigned).
 * - Host mapping (`mapWeight`): `floor-quartet` floors each quartet to the largest supported value
 *   at or below it; `nearest` picks the nearest supported magnitude, a tie going to the SMALLER
 *   magnitude (31 → 30 for {1,3,5,7}), clamped to the largest supported magnitude that the weight's
 *   sign can represent (2^(n−1) for negative, 2^(n−1)−1 for positive signed weights).
 * - Hardware on an unsupported weight (one that was not mapped): the decoder floors each quartet,
 *   i.e. it multiplies by the floor-quartet mapping of the weight. The golden model `multiply` does
 *   the same, so it is exact on supported weights and documents the rest.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { bitsFor, identityPre, operandRange } from './common.js';
import { dec, extendExpr, formatDesc, msb } from './verilog.js';
import { defineUnit, type ModuleSpec, type RuleIssue, type UnitContext } from './types.js';

export const ASM_MEMBERS = [1, 3, 5, 7, 9, 11, 13, 15] as const;

export const asmSchema = {
  type: 'object',
  title: 'ASM (alphabet set multiplier)',
  description:
    'Alphabet set multiplier (Sarwar et al., DATE 2016): weight quartets restricted to 0 or a·2^s for a in the alphabet; ' +
    'unsupported weights are mapped by the host. Signed weights are sign-magnitude, activations stay two\'s complement.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'asm', description: 'Alphabet set multiplier.' },
    alphabet: {
      type: 'array',
      items: { enum: ASM_MEMBERS },
      minItems: 1,
      maxItems: 8,
      uniqueItems: true,
      default: [1, 3, 5, 7],
      description:
        'Distinct odd numbers 1..15 that must include 1; sorted ascending in the resolved config. ' +
        '{1}, {1,3}, {1,3,5,7} support 25, 64, 144 of the 256 8-bit unsigned magnitudes; all eight make the unit exact.',
    },
    rounding: {
      enum: ['nearest', 'floor-quartet'],
      default: 'nearest',
      description:
        'Host mapping of an unsupported weight magnitude: `nearest` supported magnitude (ties to the smaller, clamped to the largest), ' +
        'or `floor-quartet` (each quartet floored to a supported value, e.g. 9→8 for {1,3,5,7}).',
    },
    share: {
      type: 'boolean',
      default: true,
      description:
        'true: the pre-computer bank is formed once per activation row and the weight decode once per column; ' +
        'false: both inside every PE (to measure the saving).',
    },
  },
} as const;

export type AsmParams = FromSchema<typeof asmSchema>;
type Rounding = 'nearest' | 'floor-quartet';

/** DSL helper: `multiplier: asm({ alphabet: [1, 3], rounding: 'floor-quartet' })`. */
export function asm(p: { alphabet?: readonly (typeof ASM_MEMBERS)[number][]; rounding?: Rounding; share?: boolean } = {}): AsmParams {
  return { kind: 'asm', ...p, ...(p.alphabet ? { alphabet: [...p.alphabet] } : {}) } as AsmParams;
}

/** Widths of the quartets of an n-bit magnitude, least significant first. */
export function quartetWidths(bits: number): number[] {
  const out: number[] = [];
  for (let lo = 0; lo < bits; lo += 4) out.push(Math.min(4, bits - lo));
  return out;
}

/** (a, s) with a·2^s = v for an alphabet member a, or null (v = 0 or unsupported). */
function factor(v: number, alphabet: readonly number[]): { a: number; s: number } | null {
  if (v === 0) return null;
  let s = 0;
  let a = v;
  while (a % 2 === 0) {
    a /= 2;
    s++;
  }
  return alphabet.includes(a) ? { a, s } : null;
}

export function quartetSupported(v: number, alphabet: readonly number[]): boolean {
  return v === 0 || factor(v, alphabet) !== null;
}

/** Largest supported quartet value at or below v. */
export function floorQuartetValue(v: number, alphabet: readonly number[]): number {
  for (let x = v; x > 0; x--) if (quartetSupported(x, alphabet)) return x;
  return 0;
}

/** Every quartet of the bits-wide magnitude `mag` supported by the alphabet. */
export function magnitudeSupported(mag: number, bits: number, alphabet: readonly number[]): boolean {
  let rest = mag;
  for (const _w of quartetWidths(bits)) {
    if (!quartetSupported(rest % 16, alphabet)) return false;
    rest = Math.floor(rest / 16);
  }
  return true;
}

/** Each quartet floored to a supported value. */
export function floorQuartet(mag: number, bits: number, alphabet: readonly number[]): number {
  let rest = mag;
  let out = 0;
  let scale = 1;
  for (const _w of quartetWidths(bits)) {
    out += floorQuartetValue(rest % 16, alphabet) * scale;
    rest = Math.floor(rest / 16);
    scale *= 16;
  }
  return out;
}

/** Supported magnitudes 0..maxMag of a bits-wide magnitude, ascending. */
export function supportedMagnitudes(alphabet: readonly number[], bits: number, maxMag: number): number[] {
  const out: number[] = [];
  for (let m = 0; m <= maxMag; m++) if (magnitudeSupported(m, bits, alphabet)) out.push(m);
  return out;
}

/** Nearest supported magnitude; a tie goes to the smaller one; above the largest, the largest. */
export function nearestSupported(mag: number, supported: readonly number[]): number {
  let best = supported[0]!;
  for (const s of supported) if (Math.abs(s - mag) < Math.abs(best - mag)) best = s;
  return best;
}

/** Magnitude bound of a weight of this sign: unsigned 2^n−1, signed 2^(n−1) (negative) or 2^(n−1)−1. */
function maxMagnitude(ctx: UnitContext, negative: boolean): number {
  const n = ctx.weight.bits;
  if (!ctx.weight.signed) return 2 ** n - 1;
  return negative ? 2 ** (n - 1) : 2 ** (n - 1) - 1;
}

/** Per (alphabet, width, bound) table of the nearest mapping, so per-pair metrics stay fast. */
const nearestTables = new Map<string, Int32Array>();
function nearestTable(alphabet: readonly number[], bits: number, maxMag: number): Int32Array {
  const key = `${alphabet.join(',')}/${bits}/${maxMag}`;
  let t = nearestTables.get(key);
  if (!t) {
    const sup = supportedMagnitudes(alphabet, bits, maxMag);
    t = new Int32Array(maxMag + 1);
    let j = 0;
    for (let m = 0; m <= maxMag; m++) {
      while (j + 1 < sup.length && sup[j + 1]! <= m) j++;
      // sup[j] <= m < sup[j+1]: nearest of the two, the smaller on a tie.
      const lo = sup[j]!;
      const hi = sup[j + 1];
      t[m] = hi !== undefined && hi - m < m - lo ? hi : lo;
    }
    nearestTables.set(key, t);
  }
  return t;
}

// The normalizer (ajv) has filled alphabet and rounding; the alphabet is sorted here for the tables.
const alphabetOf = (p: AsmParams): number[] => [...p.alphabet].sort((x, y) => x - y);
const roundingOf = (p: AsmParams): Rounding => p.rounding;

/** Host mapping of a weight value to a supported one (sign-magnitude for signed weights). */
export function asmMapWeight(w: number, p: AsmParams, ctx: UnitContext): number {
  const alphabet = alphabetOf(p);
  const bits = ctx.weight.bits;
  const neg = w < 0;
  const mag = Math.abs(w);
  const m = roundingOf(p) === 'floor-quartet' ? floorQuartet(mag, bits, alphabet) : nearestTable(alphabet, bits, maxMagnitude(ctx, neg))[mag]!;
  return neg && m !== 0 ? -m : m;
}

/** The weight the hardware multiplies by: sign-magnitude, each quartet of |w| floored. */
export function asmDecodedWeight(w: number, p: AsmParams, ctx: UnitContext): number {
  const m = floorQuartet(Math.abs(w), ctx.weight.bits, alphabetOf(p));
  return w < 0 && m !== 0 ? -m : m;
}

/** Product of a and the weight as the hardware decodes it: the sum of quartet terms (a·alpha) << (4q+s). */
export function asmMultiply(a: number, w: number, p: AsmParams, ctx: UnitContext): number {
  const alphabet = alphabetOf(p);
  let rest = Math.abs(w);
  let sum = 0;
  let q = 0;
  for (const _w of quartetWidths(ctx.weight.bits)) {
    const f = factor(floorQuartetValue(rest % 16, alphabet), alphabet);
    if (f) sum += a * f.a * 2 ** (4 * q + f.s);
    rest = Math.floor(rest / 16);
    q++;
  }
  return w < 0 ? -sum || 0 : sum;
}

function asmRange(p: AsmParams, ctx: UnitContext): { min: number; max: number } {
  const ar = operandRange(ctx.activation);
  const wr = operandRange(ctx.weight);
  let dmin = 0;
  let dmax = 0;
  for (let w = wr.min; w <= wr.max; w++) {
    const d = asmDecodedWeight(w, p, ctx);
    dmin = Math.min(dmin, d);
    dmax = Math.max(dmax, d);
  }
  const corners = [ar.min * dmin, ar.min * dmax, ar.max * dmin, ar.max * dmax, 0];
  return { min: Math.min(...corners), max: Math.max(...corners) };
}

/** Bank members that some quartet of the weight magnitude can select. */
function bankMembers(alphabet: readonly number[], bits: number): number[] {
  const top = Math.max(...quartetWidths(bits).map((w) => 2 ** w - 1));
  return alphabet.filter((a) => a <= top);
}

/** Shift-and-add expression of a·m in `width` bits from the extended activation `x` (and smaller multiples). */
function multipleExpr(m: number, x: string, done: Map<number, { name: string; width: number }>, width: number, signed: boolean): string {
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

function describeAsm(p: AsmParams): string {
  return `asm(alphabet={${alphabetOf(p).join(',')}}, rounding=${roundingOf(p)}${p.share === false ? ', share=false' : ''})`;
}

export const asmUnit = defineUnit({
  kind: 'asm',
  schema: asmSchema,
  normalize: (p: AsmParams) => ({ ...p, alphabet: alphabetOf(p) }) as AsmParams,
  describe: describeAsm,
  rules(p: AsmParams): RuleIssue[] {
    const issues: RuleIssue[] = [];
    if (!alphabetOf(p).includes(1))
      issues.push({
        path: 'multiplier.alphabet',
        message: 'an alphabet that contains 1 (without it the quartet values 1, 2, 4, 8 are unsupported and small weights collapse to 0)',
      });
    return issues;
  },
  mapWeight: asmMapWeight,
  multiply: asmMultiply,
  productRange: asmRange,
  rtl(p: AsmParams, ctx: UnitContext, prefix: string, header: (template: string) => string) {
    const A = ctx.activation.bits;
    const W = ctx.weight.bits;
    const aS = ctx.activation.signed;
    const wS = ctx.weight.signed;
    const alphabet = alphabetOf(p);
    const share = p.share !== false;
    const range = asmRange(p, ctx);
    const prod = bitsFor(range.min, range.max);
    const P = prod.bits;
    const qw = quartetWidths(W);
    const members = bankMembers(alphabet, W);
    const L = members.length;
    const field = L + 2; // one-hot select over the bank, then a 2-bit shift

    // ---- pre-computer bank ----
    const ar = operandRange(ctx.activation);
    const done = new Map<number, { name: string; width: number }>();
    let lo = 0;
    const bankLanes = members.map((m) => {
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
    const bankBits = lo;

    // ---- weight decode: per quartet, floor to a supported value, one-hot select + shift ----
    const magBits = W;
    let qlo = 0;
    const quartets = qw.map((width, q) => {
      const caseLines: string[] = [];
      for (let v = 1; v < 2 ** width; v++) {
        const f = factor(floorQuartetValue(v, alphabet), alphabet);
        const onehot = f ? 1 << members.indexOf(f.a) : 0;
        const code = f ? (f.s << L) | onehot : 0;
        const bin = code.toString(2).padStart(field, '0');
        caseLines.push(`${width}'d${v}: q${q}_enc = ${field}'b${bin};${f ? `  // ${v} -> ${f.a}<<${f.s}${f.a * 2 ** f.s !== v ? ' (floored)' : ''}` : '  // -> 0'}`);
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
    const decBits = qw.length * field + (wS ? 1 : 0);
    const decConcat = `{${[...(wS ? ['w_i[' + (W - 1) + ']'] : []), ...quartets.map((q) => q.name).reverse()].join(', ')}}`;
    const magLine = wS ? `wire [${magBits - 1}:0] w_mag = w_i[${W - 1}] ? (~w_i + ${W}'d1) : w_i;` : `wire [${magBits - 1}:0] w_mag = w_i;`;

    const aDesc = `${A}-bit ${aS ? 'two\'s complement' : 'unsigned'}`;
    const wDesc = `${W}-bit ${wS ? 'two\'s complement weight, decoded as sign and magnitude,' : 'unsigned weight,'}`;
    const layout = bankLanes.map((l) => `${l.name}${l.slice}`).join(', ');
    const decLayout =
      `per quartet q (${field} bits at q*${field}): one-hot select over {${members.join(',')}} in the low ${L} bits, shift s in the top 2` +
      (wS ? `; bit ${decBits - 1}: weight sign` : '');

    const bankView = (module: string) => ({
      header: header('units/asm_bank.v.hbs'),
      module,
      membersDesc: members.map((m) => `${m}a`).join(', '),
      aDesc,
      layoutDesc: layout,
      aMsb: msb(A),
      encMsb: msb(bankBits),
      lanes: bankLanes.map((l) => ({ name: l.name, msb: l.msb, xName: l.xName, ext: l.ext, hasExt: l.hasExt, expr: l.expr })),
      concat: `{${bankLanes.map((l) => l.name).reverse().join(', ')}}`,
    });
    const decView = (module: string) => ({
      header: header('units/asm_dec.v.hbs'),
      module,
      wDesc,
      alphabetDesc: `{${alphabet.join(',')}}`,
      layoutDesc: decLayout,
      wMsb: msb(W),
      encMsb: msb(decBits),
      magLine,
      quartets: quartets.map((q) => ({ name: q.name, fieldMsb: q.fieldMsb, fieldBits: q.fieldBits, sliceHi: q.sliceHi, sliceLo: q.sliceLo, caseLines: q.caseLines })),
      concat: decConcat,
    });
    const pMsb = msb(P);
    const mulView = {
      header: header('units/asm_mul.v.hbs'),
      module: `${prefix}_mul`,
      where: share ? 'the bank and the weight decode arrive precomputed (shared at the array edges)' : 'the bank and the weight decode are formed here, inside every PE (share=false)',
      pDesc: formatDesc(P, prod.signed),
      aeMsb: msb(share ? bankBits : A),
      weMsb: msb(share ? decBits : W),
      pMsb,
      bankMsb: msb(bankBits),
      decMsb: msb(decBits),
      local: !share,
      bankModule: `${prefix}_asm_bank`,
      decModule: `${prefix}_asm_dec`,
      members: bankLanes.map((l, j) => ({ name: `p_m${members[j]}`, ext: extendExpr(`bank${l.slice}`, l.width, P, aS) })),
      quartets: quartets.map((q) => ({ selName: q.selName, termName: q.termName, selExpr: q.selExpr, shHi: q.shHi, shLo: q.shLo, qShift: q.qShift })),
      sumExpr: quartets.map((q) => q.termName).join(' + '),
      outExpr: wS ? `dec[${decBits - 1}] ? (${P}'d0 - mag) : mag` : 'mag',
    };
    if (bankLanes.some((l) => l.width > P)) throw new Error(`internal error: ASM bank lane wider than the ${P}-bit product`);

    const modules: ModuleSpec[] = share
      ? [
          { module: `${prefix}_act_pre`, template: 'units/asm_bank.v.hbs', view: bankView(`${prefix}_act_pre`) },
          { module: `${prefix}_wgt_pre`, template: 'units/asm_dec.v.hbs', view: decView(`${prefix}_wgt_pre`) },
          { module: `${prefix}_mul`, template: 'units/asm_mul.v.hbs', view: mulView },
        ]
      : [
          identityPre(`${prefix}_act_pre`, 'a_i', 'a_enc_o', A, 'activation', header),
          identityPre(`${prefix}_wgt_pre`, 'w_i', 'w_enc_o', W, 'weight', header),
          { module: `${prefix}_asm_bank`, template: 'units/asm_bank.v.hbs', view: bankView(`${prefix}_asm_bank`) },
          { module: `${prefix}_asm_dec`, template: 'units/asm_dec.v.hbs', view: decView(`${prefix}_asm_dec`) },
          { module: `${prefix}_mul`, template: 'units/asm_mul.v.hbs', view: mulView },
        ];
    return { actEncBits: share ? bankBits : A, wgtEncBits: share ? decBits : W, modules };
  },
});
