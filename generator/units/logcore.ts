/**
 * What the logarithmic units (Mitchell family, ILM) share: the signed-operand conventions of
 * docs/units.md, the true product range of a unit (exhaustive when affordable), and the small pieces of
 * Verilog text their view models are made of (leading-one detector, magnitude front end).
 */
import { createHash } from 'node:crypto';
import { operandRange } from './common.js';
import type { OperandSpec, ProductRange, UnitContext } from './types.js';

export type SignedMode = 'sign-magnitude' | 'ones-complement';

export const SIGNED_MODES = ['sign-magnitude', 'ones-complement'] as const;

/** Schema fragments shared by the log-family units. */
export const signedModeSchema = {
  enum: SIGNED_MODES,
  default: 'sign-magnitude',
  description:
    'How a signed operand reaches the unsigned core (only used when an operand is signed): "sign-magnitude" ' +
    'multiplies |a|·|w| and negates the result when the signs differ (symmetric errors; |−2^(n−1)| works); ' +
    '"ones-complement" takes ~x as the magnitude of a negative x and complements the result (cheaper, not ' +
    'sign-symmetric: (−1)·w gives −1). A zero operand gives 0 in both.',
} as const;

export const shareSchema = {
  type: 'boolean',
  default: true,
  description:
    'Form the per-operand work (zero flag, leading one, fraction) once per row / column at the array edge and ' +
    'carry it with the operand, leaving only the adder and antilog shifter in each PE; false puts everything ' +
    'inside each PE (to measure the saving).',
} as const;

/** floor(log2 v) for v ≥ 1, by counting (naive on purpose). */
export function leadingOne(v: number): number {
  let k = 0;
  while (2 ** (k + 1) <= v) k++;
  return k;
}

/**
 * Applies a signed-operand convention around an unsigned core that takes magnitudes (and returns 0
 * when a magnitude is 0). A zero operand gives 0 in every mode.
 */
export function signedProduct(
  a: number,
  w: number,
  mode: SignedMode,
  core: (ma: number, mw: number) => number,
): number {
  if (a === 0 || w === 0) return 0;
  const sa = a < 0;
  const sw = w < 0;
  if (mode === 'sign-magnitude') {
    const p = core(Math.abs(a), Math.abs(w));
    return sa !== sw ? -p : p;
  }
  const ma = sa ? -a - 1 : a; // ~a for a negative a, as an n-bit pattern
  const mw = sw ? -w - 1 : w;
  const p = core(ma, mw);
  return sa !== sw ? -p - 1 : p; // ~p
}

/** Largest magnitude the core sees for an operand in a signed mode. */
export function maxMagnitude(spec: OperandSpec, mode: SignedMode): number {
  const r = operandRange(spec);
  if (!spec.signed) return r.max;
  return mode === 'sign-magnitude' ? -r.min : r.max;
}

/** Exhaustive whenever the operands add up to at most this many bits. */
const EXHAUSTIVE_RANGE_BITS = 20;

const rangeMemo = new Map<string, ProductRange>();

/**
 * True smallest and largest product of a unit: every operand pair when n_a + n_w ≤ 20, otherwise
 * `bound()` (a proven bound supplied by the unit). Memoized by `key` (the unit's params) and ctx.
 */
export function unitRange(
  key: unknown,
  ctx: UnitContext,
  multiply: (a: number, w: number) => number,
  bound: () => ProductRange,
): ProductRange {
  const id = createHash('sha1')
    .update(JSON.stringify([key, ctx]))
    .digest('hex');
  const hit = rangeMemo.get(id);
  if (hit) return hit;
  let r: ProductRange;
  if (ctx.activation.bits + ctx.weight.bits <= EXHAUSTIVE_RANGE_BITS) {
    const a = operandRange(ctx.activation);
    const w = operandRange(ctx.weight);
    let min = 0;
    let max = 0;
    for (let x = a.min; x <= a.max; x++) {
      for (let y = w.min; y <= w.max; y++) {
        const p = multiply(x, y);
        if (p < min) min = p;
        if (p > max) max = p;
      }
    }
    r = { min, max };
  } else {
    r = bound();
  }
  rangeMemo.set(id, r);
  return r;
}

/** Largest core output over all magnitude pairs (exhaustive when affordable, else `bound`). Memoized. */
export function coreMax(
  key: unknown,
  ctx: UnitContext,
  mode: SignedMode,
  core: (ma: number, mw: number) => number,
  bound: () => number,
): number {
  const id = createHash('sha1')
    .update(JSON.stringify(['core', key, ctx, mode]))
    .digest('hex');
  const hit = rangeMemo.get(id);
  if (hit) return hit.max;
  const ma = maxMagnitude(ctx.activation, mode);
  const mw = maxMagnitude(ctx.weight, mode);
  let max = 0;
  if (ctx.activation.bits + ctx.weight.bits <= EXHAUSTIVE_RANGE_BITS) {
    for (let x = 1; x <= ma; x++) for (let y = 1; y <= mw; y++) max = Math.max(max, core(x, y));
  } else {
    max = bound();
  }
  rangeMemo.set(id, { min: 0, max });
  return max;
}

/** Product range implied by a core bound and the signed convention (a proven bound). */
export function rangeFromCore(coreMaxValue: number, ctx: UnitContext, mode: SignedMode): ProductRange {
  if (!ctx.activation.signed && !ctx.weight.signed) return { min: 0, max: coreMaxValue };
  return mode === 'sign-magnitude'
    ? { min: -coreMaxValue, max: coreMaxValue }
    : { min: -coreMaxValue - 1, max: coreMaxValue };
}

/* ----------------------------------------------------------------------------------------------
 * Verilog text pieces (strings for views; decisions here, templates only print).
 * -------------------------------------------------------------------------------------------- */

/**
 * Verilog lines declaring `k` ([kBits-1:0], the position of the leading one of the N-bit value
 * `expr`, 0 for 0) and `norm` ([N-1:0], expr << (N-1-k): the leading one at the top), as a
 * leading-one normalizer: kBits stages shift by 2^j (j = kBits-1 down to 0) when the top 2^j bits
 * of the previous stage are all zero, and the total shift s gives k = N-1-s. It computes what a
 * priority encoder followed by a shift by N-1-k computes, but each stage's decision reads only the
 * previous stage's top bits, so on a LUT FPGA the shift is decided in a few levels instead of
 * waiting for the encoder. A width that is not a power of two is padded with zeros at the
 * bottom to 2^kBits bits (they never rise into the kept top N bits of a non-zero value); there a
 * zero value would give s = 2^kBits - 1, which no non-zero value reaches, and k is set to 0.
 * Requires N >= 2 and 2^kBits >= N.
 */
export function normalizerLines(expr: string, N: number, kBits: number): string {
  const P = 2 ** kBits;
  const pad = P - N;
  const v = (j: number) => `nrm${j}`;
  const out = [`  wire [${P - 1}:0] ${v(kBits)} = ${pad > 0 ? `{${expr}, ${pad}'d0}` : expr};`];
  const z: string[] = [];
  for (let j = kBits - 1; j >= 0; j--) {
    const sh = 2 ** j;
    const cur = v(j + 1);
    const zj = `z${j}`;
    z.push(zj);
    out.push(`  wire ${zj} = (${cur}[${P - 1}:${P - sh}] == ${sh}'d0);`);
    out.push(`  wire [${P - 1}:0] ${v(j)} = ${zj} ? {${cur}[${P - sh - 1}:0], ${sh}'d0} : ${cur};`);
  }
  const shift = `{${z.join(', ')}}`;
  out.push(
    pad > 0
      ? `  wire [${kBits - 1}:0] k = (&${shift}) ? ${kBits}'d0 : ${kBits}'d${N - 1} - ${shift};`
      : `  wire [${kBits - 1}:0] k = ~${shift};`,
  );
  out.push(pad > 0 ? `  wire [${N - 1}:0] norm = ${v(0)}[${P - 1}:${pad}];` : `  wire [${N - 1}:0] norm = ${v(0)};`);
  if (pad > 0) out.push(`  wire unused_pad = |${v(0)}[${pad - 1}:0];  // the padding stays below the kept bits`);
  return out.join('\n');
}

/** Priority chain giving the position of the leading one of `sig` ([width-1:0]) as a `kBits` literal; 0 for 0. */
export function leadingOneExpr(sig: string, width: number, kBits: number): string {
  if (width === 1) return `${kBits}'d0`;
  const parts: string[] = [];
  for (let i = width - 1; i >= 1; i--) parts.push(`${sig}[${i}] ? ${kBits}'d${i} :`);
  return `${parts.join('\n      ')}\n      ${kBits}'d0`;
}

/** The magnitude front end of one operand: how the core's magnitude, sign and zero flags are formed. */
export interface FrontEnd {
  /** Width of the magnitude the core sees. */
  magBits: number;
  /** Verilog expression of the magnitude ([magBits-1:0]) from the raw operand `x`. */
  magExpr: string;
  /** Whether a sign bit travels with the operand. */
  hasSign: boolean;
  /** Whether a separate "operand is zero" flag travels (one's complement: ~(−1) = 0 is not a zero operand). */
  hasOpZero: boolean;
}

export function frontEnd(spec: OperandSpec, mode: SignedMode, x: string): FrontEnd {
  const n = spec.bits;
  if (!spec.signed) return { magBits: n, magExpr: x, hasSign: false, hasOpZero: false };
  if (mode === 'sign-magnitude') {
    // |x| in n unsigned bits; |−2^(n−1)| = 2^(n−1) fits.
    return { magBits: n, magExpr: `${x}[${n - 1}] ? (${n}'d0 - ${x}) : ${x}`, hasSign: true, hasOpZero: false };
  }
  // ~x of a negative x is at most 2^(n−1) − 1: n−1 bits.
  return {
    magBits: n - 1,
    magExpr: `${x}[${n - 1}] ? ~${x}[${n - 2}:0] : ${x}[${n - 2}:0]`,
    hasSign: true,
    hasOpZero: true,
  };
}
