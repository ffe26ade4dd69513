/**
 * Requantization: what turns an accumulator into an int8 (or any 2..16-bit) activation.
 *
 * Two definitions live here, side by side:
 *
 * 1. The fixed-point output stage (the model of the hardware stage the RTL will get, and the rule a
 *    host uses on raw accumulators), per output channel n:
 *      s = accumulate(acc, bias[n])                     bias add in the accumulator's format
 *                                                        (its width, wrap or saturate: gemm.ts)
 *      r = roundHalfAwayFromZero(s · multiplier[n] / 2^shift[n])   exact rational, one rounding
 *      y = r + zeroPoint;  relu: y = max(y, zeroPoint);  y = saturate(y, out.bits, out.signed)
 *    Rounding rule, by name (ROUNDING_RULE, the one name units/output-stage.ts gives the RTL):
 *    **round half away from zero** of the exact product s·m/2^shift
 *    (computed as sign(s)·⌊(|s|·m + 2^(shift−1)) / 2^shift⌋; integer only, as gemmlowp / TFLite
 *    style integer-only inference engines do it with a 31-bit multiplier, Jacob et al., CVPR 2018).
 *    `multiplier` is an integer in [0, 2^31), `shift` an integer in [0, 127] (quantizeScale gives
 *    at most 94). The hardware stage (`outputStage` in a config) computes exactly this; with raw
 *    accumulators the host does (applyOutputStage).
 *
 * 2. ONNX's floating-point definition (QuantizeLinear of the real-valued result), as ONNX Runtime's
 *    CPU kernels compute it (MLAS MlasRequantizeOutput): scale = fp32(fp32(s_a·s_w) / s_y),
 *    y = saturate(roundHalfToEven(fp32(fp32(acc) · scale)) + zeroPoint). ONNX QuantizeLinear:
 *    y = saturate(roundHalfToEven(x / y_scale) + y_zero_point) (onnx/docs/Operators.md).
 *
 * Where 1 and 2 differ: (a) the float scale is replaced by m/2^shift (relative error ≤ 2^−31);
 * (b) ties: half away from zero versus half to even; (c) fp32 rounds acc (above 2^24) and the
 * product acc·scale to 24 bits before rounding to an integer, the fixed-point rule does not.
 * `test/model/requant.test.ts` and bench/infer.ts count how often on the example networks' layers.
 */
import type { Derived } from '../config/derive.js';
import { MULT_BITS, OUTPUT_ROUNDING, SHIFT_BITS, type ParamBeat } from '../units/output-stage.js';
import { operandRange } from '../units/common.js';
import { accumulate } from './gemm.js';

/** The output stage's rounding rule, by name (the same constant the RTL view reads). */
export const ROUNDING_RULE = OUTPUT_ROUNDING;

/** The output format of the stage: 2..16 bits, two's complement or unsigned. */
export interface OutFormat {
  bits: number;
  signed: boolean;
}

/** One output channel's fixed-point scale: real scale ≈ multiplier / 2^shift. */
export interface FixedScale {
  multiplier: number;
  shift: number;
}

/** The fixed-point output stage of one layer (per output channel arrays have length N). */
export interface OutputStage {
  /** Bias per output channel (accumulator units), or null for none. */
  bias: readonly number[] | null;
  scales: readonly FixedScale[];
  zeroPoint: number;
  relu: boolean;
  out: OutFormat;
}

/** Accumulator format the bias add uses (a subset of Derived). */
export interface AccFormat {
  accBits: number;
  accSigned: boolean;
  saturate: boolean;
}

export function outRange(f: OutFormat): { min: number; max: number } {
  if (!Number.isInteger(f.bits) || f.bits < 2 || f.bits > 16)
    throw new RangeError(`output width must be 2..16 bits, got ${f.bits}`);
  return f.signed ? { min: -(2 ** (f.bits - 1)), max: 2 ** (f.bits - 1) - 1 } : { min: 0, max: 2 ** f.bits - 1 };
}

/**
 * Turns a positive real scale into (multiplier, shift) with multiplier in [2^30, 2^31) (31
 * significant bits, the most an int32 holds) and scale ≈ multiplier / 2^shift, the multiplier
 * rounded to nearest (ties away from zero). Scale 0 gives (0, 0). Errors (RangeError): a negative
 * or non-finite scale, or one outside [2^-63, 2^31) that the shift range 0..94 cannot express.
 */
export function quantizeScale(scale: number): FixedScale {
  if (!Number.isFinite(scale) || scale < 0)
    throw new RangeError(`scale must be a finite non-negative number, got ${scale}`);
  if (scale === 0) return { multiplier: 0, shift: 0 };
  let e = Math.floor(Math.log2(scale));
  // Correct log2's rounding at powers of two.
  if (2 ** e > scale) e--;
  if (2 ** (e + 1) <= scale) e++;
  // scale = f · 2^(e+1), f in [0.5, 1): multiplier = round(f · 2^31), shift = 31 − (e + 1).
  let shift = 30 - e;
  let multiplier = Math.round(scale * 2 ** shift);
  if (multiplier === 2 ** 31) {
    multiplier /= 2;
    shift -= 1;
  }
  if (shift < 0 || shift > 94)
    throw new RangeError(`scale ${scale} is outside what a 31-bit multiplier and a 0..94 right shift express`);
  return { multiplier, shift };
}

/** sign(v)·⌊(|v|·m + 2^(s−1)) / 2^s⌋: v·m/2^s rounded half away from zero, exactly (BigInt). */
export function roundedScale(v: bigint, s: FixedScale): bigint {
  const m = BigInt(s.multiplier);
  if (s.shift === 0) return v * m;
  const sh = BigInt(s.shift);
  const half = 1n << (sh - 1n);
  const mag = ((v < 0n ? -v : v) * m + half) >> sh;
  return v < 0n ? -mag : mag;
}

/** Saturates v to [min, max]. */
export function clampTo(v: number, r: { min: number; max: number }): number {
  return v < r.min ? r.min : v > r.max ? r.max : v;
}

/**
 * The fixed-point output stage applied to one accumulator value of output channel n.
 * `acc` is in the accumulator's format; the result is an integer in the output format's range.
 */
export function requantFixed(acc: bigint, n: number, st: OutputStage, accFmt: AccFormat): number {
  const withBias = st.bias ? accumulate(accFmt, acc, BigInt(st.bias[n]!)) : acc;
  let y = Number(roundedScale(withBias, st.scales[n]!)) + st.zeroPoint;
  if (st.relu && y < st.zeroPoint) y = st.zeroPoint;
  return clampTo(y, outRange(st.out));
}

/** The parameters of an output stage for a GEMM with N output channels (the format is the config's). */
export type StageParams = Omit<OutputStage, 'out'>;

/**
 * Checks that a GEMM's stage parameters fit the hardware's parameter beat (units/output-stage.ts):
 * N scales, N biases in the accumulator's range, multiplier 0..2^31−1, shift 0..127, zero point in
 * the output range. Throws a RangeError naming the field, the channel, the range and the value.
 */
export function checkStageParams(d: Derived, p: StageParams, N: number, out: OutFormat): void {
  if (p.scales.length !== N) throw new RangeError(`output stage: ${p.scales.length} scales for ${N} output channels`);
  if (p.bias && p.bias.length !== N)
    throw new RangeError(`output stage: ${p.bias.length} biases for ${N} output channels`);
  const { min: accLo, max: accHi } = operandRange({ bits: d.accBits, signed: d.accSigned });
  for (let n = 0; n < N; n++) {
    const { multiplier: m, shift: sh } = p.scales[n]!;
    if (!Number.isInteger(m) || m < 0 || m >= 2 ** MULT_BITS)
      throw new RangeError(
        `output stage: multiplier of channel ${n} must be an integer 0..${2 ** MULT_BITS - 1}, got ${m}`,
      );
    if (!Number.isInteger(sh) || sh < 0 || sh >= 2 ** SHIFT_BITS)
      throw new RangeError(
        `output stage: shift of channel ${n} must be an integer 0..${2 ** SHIFT_BITS - 1}, got ${sh}`,
      );
    const b = p.bias?.[n] ?? 0;
    if (!Number.isInteger(b) || b < accLo || b > accHi)
      throw new RangeError(
        `output stage: bias of channel ${n} must lie in the ${d.accBits}-bit ${d.accSigned ? 'signed' : 'unsigned'} accumulator range ${accLo}..${accHi}, got ${b}`,
      );
  }
  const r = outRange(out);
  if (!Number.isInteger(p.zeroPoint) || p.zeroPoint < r.min || p.zeroPoint > r.max)
    throw new RangeError(`output stage: zero point must lie in ${r.min}..${r.max}, got ${p.zeroPoint}`);
}

/**
 * The configured output stage applied to a GEMM's accumulators: Y (M×N, accumulator format) →
 * M×N results in the output format, element (m, n) = requantFixed(Y[m][n], n0 + n). `n0` is the
 * tile's first output channel (the parameters cover the whole GEMM). Throws when the config has
 * no output stage (d.out null).
 */
export function applyOutputStage(d: Derived, Y: readonly (readonly bigint[])[], p: StageParams, n0 = 0): bigint[][] {
  if (!d.out) throw new Error('internal error: applyOutputStage on a config without an output stage');
  const st: OutputStage = { ...p, out: d.out };
  return Y.map((row) => row.map((acc, n) => BigInt(requantFixed(acc, n0 + n, st, d))));
}

/**
 * The parameter beat of one command covering output channels n0..n0+nLen−1 on a C-column array
 * (lanes past nLen carry zeros: bias 0, multiplier 0, shift 0, so they read the zero point).
 */
export function paramBeatOf(p: StageParams, n0: number, nLen: number, cols: number): ParamBeat {
  const lane = <T>(f: (n: number) => T, zero: T) =>
    Array.from({ length: cols }, (_, c) => (c < nLen ? f(n0 + c) : zero));
  return {
    bias: lane((n) => p.bias?.[n] ?? 0, 0),
    multiplier: lane((n) => p.scales[n]!.multiplier, 0),
    shift: lane((n) => p.scales[n]!.shift, 0),
    zeroPoint: p.zeroPoint,
    relu: p.relu,
  };
}

/** Round half to even (IEEE roundTiesToEven, C's nearbyint in the default mode). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ONNX Runtime's fp32 requantization scale: fp32(fp32(sa·sw) / sy). */
export function onnxScale(sa: number, sw: number, sy: number): number {
  return Math.fround(Math.fround(sa * sw) / sy);
}

/**
 * ONNX's floating-point requantization as ONNX Runtime computes it:
 * saturate(roundHalfEven(fp32(fp32(acc) · scale)) + zeroPoint), ReLU (when fused) clamps at the
 * zero point. `acc` already includes the bias; `scale` is an fp32 value (onnxScale).
 */
export function requantFloat(acc: number, scale: number, zeroPoint: number, relu: boolean, out: OutFormat): number {
  const r = outRange(out);
  return requantFloatIn(acc, scale, zeroPoint, relu, r.min, r.max);
}

/**
 * requantFloat with the output range given as [min, max] (outRange of the output format), for
 * loops over a layer's outputs that compute the range once.
 */
export function requantFloatIn(
  acc: number,
  scale: number,
  zeroPoint: number,
  relu: boolean,
  min: number,
  max: number,
): number {
  let y = roundHalfEven(Math.fround(Math.fround(acc) * scale)) + zeroPoint;
  if (relu && y < zeroPoint) y = zeroPoint;
  return y < min ? min : y > max ? max : y;
}

/** ONNX QuantizeLinear of an fp32 value: saturate(roundHalfEven(fp32(x / scale)) + zeroPoint). */
export function quantizeLinear(x: number, scale: number, zeroPoint: number, out: OutFormat): number {
  const r = outRange(out);
  return quantizeLinearIn(x, scale, zeroPoint, r.min, r.max);
}

/** quantizeLinear with the output range given as [min, max] (for loops that compute it once). */
export function quantizeLinearIn(x: number, scale: number, zeroPoint: number, min: number, max: number): number {
  const y = roundHalfEven(Math.fround(x / scale)) + zeroPoint;
  return y < min ? min : y > max ? max : y;
}

/** ONNX DequantizeLinear: fp32((q − zeroPoint) · scale). */
export function dequantizeLinear(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * scale);
}
