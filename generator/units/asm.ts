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
import { operandRange } from './common.js';
import { ASM_CUTS, asmRtl } from './asm-rtl.js';
import { defineUnit, type RuleIssue, type UnitContext } from './types.js';

export const ASM_MEMBERS = [1, 3, 5, 7, 9, 11, 13, 15] as const;

export const asmSchema = {
  type: 'object',
  title: 'ASM (alphabet set multiplier)',
  description:
    'Alphabet set multiplier (Sarwar et al., DATE 2016): weight quartets restricted to 0 or a·2^s for a in the alphabet; ' +
    "unsupported weights are mapped by the host. Signed weights are sign-magnitude, activations stay two's complement.",
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
export function asm(
  p: { alphabet?: readonly (typeof ASM_MEMBERS)[number][]; rounding?: Rounding; share?: boolean } = {},
): AsmParams {
  return { kind: 'asm', ...p, ...(p.alphabet ? { alphabet: [...p.alphabet] } : {}) } as AsmParams;
}

/** Widths of the quartets of an n-bit magnitude, least significant first. */
export function quartetWidths(bits: number): number[] {
  const out: number[] = [];
  for (let lo = 0; lo < bits; lo += 4) out.push(Math.min(4, bits - lo));
  return out;
}

/** (a, s) with a·2^s = v for an alphabet member a, or null (v = 0 or unsupported). */
export function factor(v: number, alphabet: readonly number[]): { a: number; s: number } | null {
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
/** The alphabet sorted ascending. */
export const alphabetOf = (p: AsmParams): number[] => [...p.alphabet].sort((x, y) => x - y);
const roundingOf = (p: AsmParams): Rounding => p.rounding;

/** Host mapping of a weight value to a supported one (sign-magnitude for signed weights). */
export function asmMapWeight(w: number, p: AsmParams, ctx: UnitContext): number {
  const alphabet = alphabetOf(p);
  const bits = ctx.weight.bits;
  const neg = w < 0;
  const mag = Math.abs(w);
  const m =
    roundingOf(p) === 'floor-quartet'
      ? floorQuartet(mag, bits, alphabet)
      : nearestTable(alphabet, bits, maxMagnitude(ctx, neg))[mag]!;
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

function describeAsm(p: AsmParams): string {
  return `asm(alphabet={${alphabetOf(p).join(',')}}, rounding=${roundingOf(p)}${p.share === false ? ', share=false' : ''})`;
}

export const asmUnit = defineUnit({
  kind: 'asm',
  schema: asmSchema,
  dsl: asm,
  samples: {
    regress: [{ alphabet: [1, 3] }, { alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' }],
    // The exhaustive test ran ASM with its defaults (8×8 unsigned and signed) before the seam.
    exhaustive: [
      { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false }, params: {} },
      { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true }, params: {} },
    ],
    metrics: [
      { alphabet: [1] },
      { alphabet: [1, 3] },
      { alphabet: [1, 3, 5, 7] },
      { alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' },
    ],
    // bench:unit-area measured ASM with its defaults.
    area: [{}],
  },
  normalize: (p: AsmParams) => ({ ...p, alphabet: alphabetOf(p) }) as AsmParams,
  describe: describeAsm,
  rules(p: AsmParams): RuleIssue[] {
    const issues: RuleIssue[] = [];
    if (!alphabetOf(p).includes(1))
      issues.push({
        path: 'multiplier.alphabet',
        message:
          'an alphabet that contains 1 (without it the quartet values 1, 2, 4, 8 are unsupported and small weights collapse to 0)',
      });
    return issues;
  },
  mapWeight: asmMapWeight,
  multiply: asmMultiply,
  productRange: asmRange,
  cuts: () => ASM_CUTS,
  rtl: (p: AsmParams, ctx: UnitContext, prefix: string, header: (template: string) => string, stages?: number) =>
    asmRtl(p, ctx, asmRange(p, ctx), prefix, header, stages),
});
