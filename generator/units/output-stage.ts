/**
 * The requantizing output stage: the top-level optional config field `outputStage`. Absent, the
 * array's result lanes carry raw accumulators (as before); present, every result lane (column n)
 * leaves through
 *
 *   s = acc + bias[n]                      in the accumulator's format (its width; wrap or saturate)
 *   r = round(s · multiplier[n] / 2^shift[n])   rounding rule OUTPUT_ROUNDING (below), exact
 *   y = r + zeroPoint;  relu: y = max(y, zeroPoint);  y = saturate(y, bits, signed)
 *
 * (Jacob et al., CVPR 2018: integer-only inference with a 31-bit fixed-point multiplier and a right
 * shift.) The golden model of this formula is model/requant.ts `requantFixed`; the RTL is the
 * module `<name>_out_stage` (templates/out_stage.v.hbs) built from the view below. Both take the
 * rounding rule by the one name OUTPUT_ROUNDING.
 *
 * Parameters reach the hardware on a fourth input stream, the parameter stream (p_valid_i /
 * p_ready_o / p_data_i): one beat per accepted command, taken any time after its acceptance without
 * waiting for earlier results, queued in command order (up to PARAM_SLOTS); a command's result beats
 * wait for its beat (a missing one freezes the top like any missing beat: a stall, not a counted
 * cycle). Beat layout, lane 0 in the low bits (paramBeat):
 *   lane c (c = 0..C−1), PARAM_LANE(acc) = acc + 31 + 7 bits: {shift[6:0], multiplier[30:0], bias[acc−1:0]}
 *   then zeroPoint (bits wide, the output's format), then relu (1 bit), at the top.
 * The stage is combinational between the de-skew and y_data_o: OUT_STAGE_LATENCY = 0 cycles, so the
 * cycle model (config/cycles.ts) and the counters are unchanged.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { dec, extendExpr, msb, saturation } from './verilog.js';
import { CMD_SLOTS } from '../config/cycles.js';
import type { ArrayFeature, ArrayRtlContext, FeatureRtl } from './feature.js';
import type { ModuleSpec, RuleIssue, UnitContext, View } from './types.js';

export const outputStageSchema = {
  type: 'object',
  description:
    'Requantizing output stage per result lane (column): bias add in the accumulator format, per-column fixed-point scale ' +
    '(31-bit multiplier, 0..127 right shift, rounded half away from zero), output zero point, optional ReLU (clamp at the ' +
    'zero point) and saturation to `bits`. Bias, multiplier, shift, zero point and ReLU arrive per command on the parameter ' +
    'stream (README "Output stage"). Absent: the result lanes carry raw accumulators.',
  additionalProperties: false,
  properties: {
    bits: { type: 'integer', minimum: 2, maximum: 16, default: 8, description: 'Output width of a result lane.' },
    signed: {
      type: 'boolean',
      default: true,
      description: "Output format: two's complement (int8 for 8 bits) or unsigned (uint8).",
    },
  },
} as const;

/** As written (defaulted fields optional). */
export type OutputStageConfig = FromSchema<typeof outputStageSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config (bits and signed filled in). */
export type ResolvedOutputStage = FromSchema<typeof outputStageSchema>;

/** DSL helper: `outputStage: outputStage({ bits: 8, signed: false })`. */
export function outputStage(p: { bits?: number; signed?: boolean } = {}): OutputStageConfig {
  return { ...p };
}

/**
 * The rounding rule of the output stage, by name: round half away from zero of the exact product
 * s·m/2^shift, sign(s)·⌊(|s|·m + 2^(shift−1)) / 2^shift⌋. model/requant.ts `roundedScale` computes
 * it, the RTL view below picks its Verilog by this name.
 */
export const OUTPUT_ROUNDING = 'round-half-away-from-zero' as const;
/** Bits of the per-column fixed-point multiplier (an integer in [0, 2^31)). */
export const MULT_BITS = 31;
/** Bits of the per-column right shift (0..127). */
export const SHIFT_BITS = 7;
/** Cycles the stage adds between the de-skew and y_data_o: none (combinational). */
export const OUT_STAGE_LATENCY = 0;

/** Bits of one column's lane of a parameter beat: bias (accumulator width), multiplier, shift. */
export const paramLaneBits = (accBits: number): number => accBits + MULT_BITS + SHIFT_BITS;
/** Bits of a whole parameter beat. */
export const paramBeatBits = (accBits: number, cols: number, outBits: number): number =>
  cols * paramLaneBits(accBits) + outBits + 1;

/** One command's parameters for its C lanes (lanes past the command's N carry zeros). */
export interface ParamBeat {
  bias: readonly (number | bigint)[];
  multiplier: readonly number[];
  shift: readonly number[];
  zeroPoint: number;
  relu: boolean;
}

/** The parameter beat as one integer (lane 0 in the low bits; two's complement for negative fields). */
export function packParamBeat(p: ParamBeat, accBits: number, cols: number, outBits: number): bigint {
  const lane = BigInt(paramLaneBits(accBits));
  const mask = (b: number) => (1n << BigInt(b)) - 1n;
  let word = 0n;
  for (let c = 0; c < cols; c++) {
    const f =
      (BigInt(p.bias[c] ?? 0) & mask(accBits)) |
      (BigInt(p.multiplier[c] ?? 0) << BigInt(accBits)) |
      (BigInt(p.shift[c] ?? 0) << BigInt(accBits + MULT_BITS));
    word |= f << (BigInt(c) * lane);
  }
  const top = BigInt(cols) * lane;
  word |= (BigInt(p.zeroPoint) & mask(outBits)) << top;
  word |= (p.relu ? 1n : 0n) << (top + BigInt(outBits));
  return word;
}

export function describeOutputStage(o: ResolvedOutputStage): string {
  return `outputStage(${o.bits}-bit ${o.signed ? 'signed' : 'unsigned'}, ${OUTPUT_ROUNDING})`;
}

/** Cross-field rules: none beyond the schema (any accumulator width 2..64 works with the stage). */
export function outputStageRules(_o: OutputStageConfig | undefined, _ctx: UnitContext): RuleIssue[] {
  return [];
}

/**
 * Parameter beats the stage queues: one per unfinished command, so the top's CMD_SLOTS
 * (config/cycles.ts). A power of two: the queue's pointers wrap.
 */
export const PARAM_SLOTS = CMD_SLOTS;
const PTR_BITS = Math.log2(PARAM_SLOTS);
if (!Number.isInteger(PTR_BITS)) throw new Error(`internal error: PARAM_SLOTS ${PARAM_SLOTS} is not a power of two`);

// ---------------------------------------------------------------------------------------------
// RTL view (used by generator/emit/rtl.ts through the feature seam)

/**
 * The Verilog of the rounding rule, keyed by its name: `half` is the constant added to |s|·m before
 * the right shift (RW bits wide; `one` is 1 in RW bits).
 */
const ROUNDING_RTL: Record<typeof OUTPUT_ROUNDING, (rw: number) => string> = {
  'round-half-away-from-zero': (rw) =>
    `(shift == ${SHIFT_BITS}'d0) ? {${rw}{1'b0}} : (one << (shift - ${SHIFT_BITS}'d1))`,
};

/** The RTL hook: the `<p>_out_stage` module and the top's keys (feature-off values without it). */
export function outputStageRtl(o: ResolvedOutputStage | undefined, x: ArrayRtlContext): FeatureRtl {
  const on = o !== undefined;
  const C = x.cols;
  const A = x.accBits;
  const yBits = on ? o.bits : A;
  const top: View = {
    outStage: on,
    yLaneBits: dec(yBits),
    yDataMsb: msb(C * yBits),
    // Names the top's result logic drives: the stage's input side when it is there.
    yAcc: on ? 'y_acc' : 'y_data_o',
    yValidCore: on ? 'y_valid_core' : 'y_valid_o',
    yReadyCore: on ? 'y_ready_core' : 'y_ready_i',
    accColMsb: msb(C * A),
    pDataMsb: on ? msb(paramBeatBits(A, C, o.bits)) : '0',
    outStageLatency: dec(OUT_STAGE_LATENCY),
  };
  if (!on) return { extraBits: 0, modules: [], pe: {}, top };
  const B = o.bits;
  const L = paramLaneBits(A);
  const PB = A + MULT_BITS; // |s|·m
  const RW = PB + 1; // |s|·m + half
  const YW = RW + 2; // signed result plus zero point
  const module = `${x.prefix}_out_stage`;
  const sx = (sig: string, from: number) => extendExpr(sig, from, A + 1, x.accSigned);
  const outMin = o.signed ? -(2 ** (B - 1)) : 0;
  const outMax = o.signed ? 2 ** (B - 1) - 1 : 2 ** B - 1;
  const sLit = (v: number) => (v < 0 ? `-${YW}'sd${-v}` : `${YW}'sd${v}`);
  const view: View = {
    header: x.header('out_stage.v.hbs'),
    module,
    cols: dec(C),
    accBits: dec(A),
    accMsb: msb(A),
    accDesc: `${A}-bit ${x.accSigned ? "two's complement" : 'unsigned'}`,
    overflowDesc: x.saturate ? 'saturating at the accumulator range' : `wrapping modulo 2^${A}`,
    outDesc: `${B}-bit ${o.signed ? 'signed' : 'unsigned'}`,
    slots: dec(PARAM_SLOTS),
    slotsLast: dec(PARAM_SLOTS - 1),
    ptrBits: dec(PTR_BITS),
    ptrMsb: msb(PTR_BITS),
    cntBits: dec(PTR_BITS + 1),
    cntMsb: msb(PTR_BITS + 1),
    p_fire_ext: `{${PTR_BITS}'d0, p_fire}`,
    end_ext: `{${PTR_BITS}'d0, cmd_end_i}`,
    take_ext: `{${PTR_BITS}'d0, cmd_take_i}`,
    rounding: OUTPUT_ROUNDING,
    latency: dec(OUT_STAGE_LATENCY),
    accColMsb: msb(C * A),
    yColMsb: msb(C * B),
    pMsb: msb(paramBeatBits(A, C, B)),
    pBits: dec(paramBeatBits(A, C, B)),
    laneBits: dec(L),
    multBits: dec(MULT_BITS),
    multMsb: msb(MULT_BITS),
    shiftBits: dec(SHIFT_BITS),
    shiftMsb: msb(SHIFT_BITS),
    outBits: dec(B),
    outMsb: msb(B),
    zpAt: dec(C * L),
    reluAt: dec(C * L + B),
    sumMsb: dec(A),
    accExt: sx('acc', A),
    biasExt: sx('bias', A),
    saturate: x.saturate,
    ...saturation(A, x.accSigned),
    negExpr: x.accSigned ? `s[${A - 1}]` : "1'b0",
    magExpr: x.accSigned ? `s[${A - 1}] ? (~s + ${A}'d1) : s` : 's',
    pbMsb: msb(PB),
    rwMsb: msb(RW),
    ywMsb: msb(YW),
    magPad: `${MULT_BITS}'d0`,
    multPad: `${A}'d0`,
    prodExt: `{1'b0, prod}`,
    oneLit: `${RW}'d1`,
    half: ROUNDING_RTL[OUTPUT_ROUNDING](RW),
    qExt: `{2'b00, q}`,
    zpExt: extendExpr('zp', B, YW, o.signed),
    yMin: sLit(outMin),
    yMax: sLit(outMax),
    yHighMsb: msb(YW),
    yHighLsb: dec(B),
  };
  const spec: ModuleSpec = { module, template: 'out_stage.v.hbs', view };
  return { extraBits: 0, modules: [spec], pe: {}, top };
}

/** The output stage as an array feature (generator/units/feature.ts), registered in config/features.ts. */
export const outputStageFeature: ArrayFeature<ResolvedOutputStage> = {
  key: 'outputStage',
  schema: outputStageSchema,
  describe: describeOutputStage,
  rules: outputStageRules,
  model: (o) => (o ? { output: { bits: o.bits, signed: o.signed } } : {}),
  rtl: outputStageRtl,
};
