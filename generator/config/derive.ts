/**
 * Widths and limits derived from a ResolvedConfig. Every emitter, the golden model and the
 * simulation harness read these from here; none of them recomputes a width.
 *
 * derive() is memoised per ResolvedConfig object (a WeakMap): a command resolves its config once
 * and every layer that calls derive(c) on it gets the same Derived, computed once. A ResolvedConfig
 * is never mutated after resolveConfig returns it, so the cached value cannot go stale.
 */
import { cutsOf, unitFor } from '../units/index.js';
import { describePipeline, edgeStagesOf, mulStagesOf, peStagesOf } from '../units/pipeline.js';
import { sumChainsIn } from '../units/carry-save.js';
import type { UnitContext, UnitDef } from '../units/types.js';
import { commandCyclesBound } from './cycles.js';
import { ubits } from '../units/verilog.js';
import { ARRAY_FEATURES } from './features.js';
import { productFormat, unitContext, type ProductFormat, type ResolvedConfig } from './resolve.js';

export interface Derived {
  unit: UnitDef<string, object, unknown>;
  ctx: UnitContext;
  rows: number;
  cols: number;
  /** Activation / weight widths and signedness. */
  aBits: number;
  wBits: number;
  /** Product format of the configured unit (bits, signedness, range); read here, never recomputed. */
  product: ProductFormat;
  accBits: number;
  /** The accumulator is two's complement exactly when the product is. */
  accSigned: boolean;
  saturate: boolean;
  /** Largest M, K, N of one command. */
  maxM: number;
  maxK: number;
  maxN: number;
  /** Command port widths. */
  mBits: number;
  kBits: number;
  nBits: number;
  /** Performance counter widths: wide enough for the largest command. */
  cycBits: number;
  macBits: number;
  /** MACs one PE product counts for (UnitDef.macsPerProduct; 1 except for packed units such as binary). */
  macsPerProduct: number;
  /** Carry chains of the PE's accumulator adder: > 1 is the carry-save partial sum (units/carry-save.ts `sumChainsIn`). */
  sumChains: number;
  /**
   * Zero-skip predicate on an activation and a (mapped) weight, or null without zero-skip.
   * A skipped product contributes 0 and is counted by cnt_skipped_o.
   */
  skip: ((a: number, w: number) => boolean) | null;
  /** Registers inside `<prefix>_mul` (config `pipeline.multiplier`, units/pipeline.ts). */
  mulStages: number;
  /**
   * Extra advancing cycles between a PE's operand registers and its partial-sum / accumulator
   * update: `pipeline.multiplier + pipeline.macc` (0 without the field). The top and the cycle
   * model add it to the fill / drain latency.
   */
  peStages: number;
  /**
   * Register stages from the top's stream ports and control to the array's edge: 1 (the
   * registered edge after the encoders), plus `pipeline.edge` (a register before them). The top
   * and the cycle model add it to the fill / drain latency.
   */
  edgeStages: number;
  /**
   * The requantizing output stage's output format (units/output-stage.ts), or null: the result
   * lanes then carry raw accumulators.
   */
  out: { bits: number; signed: boolean } | null;
  /** A result lane of y_data_o: the output format with the stage, the accumulator's without. */
  yBits: number;
  ySigned: boolean;
}

/** Every feature's skip predicate combined (a MAC is skipped when any feature skips it), or null. */
function skipOf(c: ResolvedConfig): ((a: number, w: number) => boolean) | null {
  const skips = ARRAY_FEATURES.map((f) => f.model(c).skip).filter(
    (s): s is (a: number, w: number) => boolean => s !== undefined,
  );
  if (skips.length === 0) return null;
  return skips.length === 1 ? skips[0]! : (a, w) => skips.some((s) => s(a, w));
}

const derived = new WeakMap<ResolvedConfig, Derived>();

/** The Derived of `c`, computed on the first call for this config object and cached after. */
export function derive(c: ResolvedConfig): Derived {
  let d = derived.get(c);
  if (!d) {
    d = compute(c);
    derived.set(c, d);
  }
  return d;
}

function compute(c: ResolvedConfig): Derived {
  const unit = unitFor(c.multiplier.kind);
  const ctx = unitContext(c);
  const p = productFormat(c);
  const R = c.array.rows;
  const C = c.array.cols;
  const ws = c.dataflow === 'weight-stationary';
  const maxM = ws ? c.array.accDepth : R;
  const maxK = c.array.maxK;
  const peStages = peStagesOf(c.pipeline);
  const edgeStages = edgeStagesOf(c.pipeline);
  const shape = { rows: R, cols: C, dataflow: c.dataflow, peStages, edgeStages };
  const macsPerProduct = unit.macsPerProduct?.(c.multiplier, ctx) ?? 1;
  const out = ARRAY_FEATURES.map((f) => f.model(c).output).find((o) => o !== undefined) ?? null;
  return {
    unit,
    ctx,
    rows: R,
    cols: C,
    aBits: ctx.activation.bits,
    wBits: ctx.weight.bits,
    product: p,
    accBits: c.precision.accumulator.bits,
    accSigned: p.signed,
    saturate: c.precision.accumulator.overflow === 'saturate',
    maxM,
    maxK,
    maxN: C,
    mBits: ubits(maxM),
    // Wide enough for R + 1, so that "the fold is the last one" is never constant in the RTL.
    kBits: ubits(Math.max(maxK, R + 1)),
    nBits: ubits(C),
    cycBits: ubits(commandCyclesBound(shape, maxM, maxK)),
    macBits: ubits(maxM * maxK * C * macsPerProduct),
    macsPerProduct,
    sumChains: sumChainsIn(c.pipeline?.sumChains, unit.sumChains, {
      ws,
      saturate: c.precision.accumulator.overflow === 'saturate',
      accBits: c.precision.accumulator.bits,
    }),
    skip: skipOf(c),
    mulStages: mulStagesOf(c.pipeline),
    peStages,
    edgeStages,
    out,
    yBits: out ? out.bits : c.precision.accumulator.bits,
    ySigned: out ? out.signed : p.signed,
  };
}

/**
 * The whole config in one line, as `axgen validate` and `axgen accuracy` print it: array, dataflow,
 * unitLabel, operand formats, product and accumulator widths, overflow mode and interface.
 */
export function configSummary(c: ResolvedConfig, d: Derived = derive(c)): string {
  return (
    `${c.array.rows}x${c.array.cols} ${c.dataflow}, ${unitLabel(c, d)}, ` +
    `activation ${d.aBits}-bit ${d.ctx.activation.signed ? 'signed' : 'unsigned'} × weight ${d.wBits}-bit ${d.ctx.weight.signed ? 'signed' : 'unsigned'} → ` +
    `${d.product.bits}-bit product, ${d.accBits}-bit accumulator (${c.precision.accumulator.overflow}), ${c.interface} interface`
  );
}

/**
 * The datapath as headers, reports and `axgen validate` print it: the unit's own description,
 * then each configured array feature, e.g. `mitchell(fractionBits=4), zeroSkip(activation<=0, ...)`.
 */
export function unitLabel(c: ResolvedConfig, d: Derived = derive(c)): string {
  const pipe = describePipeline(c.pipeline, cutsOf(d.unit, c.multiplier, d.ctx));
  return [
    d.unit.describe(c.multiplier),
    ...ARRAY_FEATURES.filter((f) => f.on(c)).map((f) => f.describe(c)),
    ...(pipe ? [pipe] : []),
    // The unit's choice or pipeline.sumChains: shown whenever the PE adds in carry-save form.
    ...(d.sumChains > 1 ? [`carry-save sum (${d.sumChains} chains)`] : []),
  ].join(', ');
}
