/**
 * The interface every arithmetic unit implements. The array, the golden GEMM model, the metrics,
 * the co-simulation and the sweeps reach a unit only through this interface; none of them switches
 * on a unit's kind.
 *
 * Hardware contract (see templates/array_*.v.hbs): a unit emits three modules named
 *   <prefix>_act_pre  (input  [A-1:0] a_i,            output [AE-1:0] a_enc_o)
 *   <prefix>_wgt_pre  (input  [W-1:0] w_i,            output [WE-1:0] w_enc_o)
 *   <prefix>_mul      (input [AE-1:0] a_enc_i, input [WE-1:0] w_enc_i, output [P-1:0] p_o)
 * The array places act_pre once per row at its left edge and wgt_pre once per column at its top
 * edge (where a stationary weight is loaded, or a streamed weight enters); the encoded operands
 * travel through the array and each PE instantiates only <prefix>_mul. p_o is two's complement
 * when `productSigned`, unsigned otherwise. A unit whose sign restore negates also outputs the
 * product in split form (px_o, pc_o; see SplitProduct), which is what the PE adds.
 *
 * Pipelining (generator/units/pipeline.ts): a unit may declare cut points inside `<prefix>_mul`
 * (`cuts`); `rtl` is then asked for `stages` of them, registers the first `stages` cuts, and
 * gives `<prefix>_mul` the extra inputs clk_i, rst_ni, en_i (the array's advance) ahead of its
 * operands. With stages = 0 the module is combinational and has no such port.
 */
import type { JSONSchema } from 'json-schema-to-ts';

export interface OperandSpec {
  bits: number;
  signed: boolean;
}

/** What a unit sees of the rest of the config. */
export interface UnitContext {
  activation: OperandSpec;
  weight: OperandSpec;
}

/** Where a config came from, for units that read files it names (the imported circuit). */
export interface UnitWhere {
  /** Folder that relative paths in the config are relative to: the config file's, else the working folder. */
  baseDir: string;
  /** Names the config in error messages (its file, or a label). */
  source: string;
}

/** A problem found by a cross-field rule; `path` is a JSON path such as `multiplier.fractionBits`. */
export interface RuleIssue {
  path: string;
  message: string;
}

/** Values handed to a template: strings only (handlebars would add numbers), booleans for `#if`. */
export type ViewValue = string | boolean | readonly ViewValue[] | { readonly [key: string]: ViewValue };
export type View = { readonly [key: string]: ViewValue };

/** One emitted module: the template under templates/ that prints it and its complete view model. */
export interface ModuleSpec {
  /** Module name; the emitted file is `<module>.v`. */
  module: string;
  /** Template path relative to templates/, e.g. `units/exact_mul.v.hbs`. */
  template: string;
  view: View;
}

/**
 * The split form of a product (UnitRtl.split): besides p_o, `<prefix>_mul` outputs
 *   px_o [pxBits-1:0]  two's complement
 *   pc_o               one bit
 * with sext(px_o) + pc_o = p_o as integers (so also modulo 2^P). A sign-magnitude unit gives
 * px_o = mag ^ {neg}, pc_o = neg: the +1 of its negation becomes the carry-in of the PE's
 * accumulator adder, which then adds acc + sext(px) + pc in one carry chain instead of negating
 * and adding in two chains in series. pxBits may differ from P (the magnitude's width plus one
 * sign bit).
 */
export interface SplitProduct {
  pxBits: number;
}

export interface UnitRtl {
  /** Width of the encoded activation that travels along a row. */
  actEncBits: number;
  /** Width of the encoded weight held in (or streamed through) a PE. */
  wgtEncBits: number;
  /** act_pre, wgt_pre, mul and any helper modules, all named from `prefix`. */
  modules: ModuleSpec[];
  /**
   * Present when `<prefix>_mul` also outputs its product in split form (SplitProduct): the PE then
   * adds px_o with pc_o as the accumulator adder's carry-in and leaves p_o unread. Absent: the
   * PE adds p_o (the split form with pc = 0). Only units whose sign restore negates declare it.
   */
  split?: SplitProduct;
}

export interface ProductRange {
  min: number;
  max: number;
}

/** One exhaustive (or, above 20 operand bits, sampled) unit co-simulation variant. */
export interface UnitSample {
  activation: OperandSpec;
  weight: OperandSpec;
  /** Multiplier parameters without `kind`. */
  params: Record<string, unknown>;
}

/**
 * Parameter sets that represent a unit, declared by the unit itself; the regression suites
 * (sim/suite.ts), the exhaustive unit test, the metrics and area benchmarks read them through
 * `samplesOf` (units/index.ts), so a new unit needs no per-kind table elsewhere. Every list is
 * parameters without `kind`; omitted lists take the defaults given per field.
 */
export interface UnitSamples {
  /** Sets run by `axgen regress` (each on both dataflows) and the full matrix; the first is the everyday set. Default `[{}]`. */
  regress?: readonly Record<string, unknown>[];
  /** Standalone co-simulation variants. Default: every `regress` set at 8×8 unsigned and 8×8 signed (or at each of `operands`). */
  exhaustive?: readonly UnitSample[];
  /** Rows of `npm run bench:metrics` (each unsigned and signed, 8×8). Default: the `regress` sets. */
  metrics?: readonly Record<string, unknown>[];
  /** Rows of `npm run bench:unit-area` (each with share true/false when the unit has `share`). Default: the `regress` sets. */
  area?: readonly Record<string, unknown>[];
  /**
   * Extra rows of `npm run bench:fmax` without stages, besides the everyday set: parameter forms
   * that trade PE area for fmax (DRUM's `shift: 'one-hot'`). Default none.
   */
  fmax?: readonly Record<string, unknown>[];
  /**
   * `pipeline` settings (units/pipeline.ts) the suites run each `regress` set with, besides none.
   * Default (per parameter set): every cut point the unit declares with `macc: 1`, and `macc: 1`
   * alone when the unit declares cuts; a value of `multiplier` above a set's cuts is capped.
   */
  pipeline?: readonly { multiplier?: number; macc?: 0 | 1 }[];
  /**
   * Operand formats the regress, exhaustive, metrics and area sets run at, for a unit that
   * supports only some: an imported circuit has fixed port widths, binary takes packed weight
   * words. The regression suites rotate over them instead of their 8-bit signed / unsigned / mixed
   * sets, the metrics benchmark runs each, the area benchmark and the fast-GEMM test the first.
   * Default: the suites' own rotation (signed, unsigned, mixed), 8×8 unsigned and signed for
   * metrics and exhaustive, 8×8 signed for area.
   */
  operands?: readonly { activation: OperandSpec; weight: OperandSpec }[];
}

/** The widest activation or weight a unit accepts unless it declares `maxOperandBits`. */
export const DEFAULT_MAX_OPERAND_BITS = 16;

export interface UnitDef<
  Kind extends string = string,
  Schema extends JSONSchema = JSONSchema,
  Params = unknown,
  Dsl = unknown,
> {
  kind: Kind;
  /**
   * The DSL builder exported as `unit.<kind>` by generator/dsl.ts, e.g. `(p) => ({ kind, ...p })`.
   * Optional: a unit without one gets `(p = {}) => ({ kind, ...p })`.
   */
  dsl?: Dsl;
  /**
   * The widest activation and weight this unit accepts (the config refuses wider operands naming
   * the path). Optional: DEFAULT_MAX_OPERAND_BITS (16). Wider only where products and GEMM sums stay
   * exact in the golden model (binary: packed words, products in [−L, L]).
   */
  maxOperandBits?: number;
  /** Representative parameter sets (see UnitSamples); optional, with the defaults given there. */
  samples?: UnitSamples;
  /** The closed schema branch for `multiplier` (with `kind: {const}`), merged into the config schema. */
  schema: Schema;
  /**
   * Defaults that depend on the operand precisions (e.g. Mitchell's fractionBits = N-1), filled in
   * by the config normalizer after ajv applied the schema's static defaults. Returns new params.
   */
  normalize?(p: Params, ctx: UnitContext, where: UnitWhere): Params;
  /**
   * The normalized params as the config hash sees them. Optional: the params themselves. A unit
   * whose params hold something that changes with the checkout but no output (the absolute path
   * of an imported file) leaves it out, so the hash, and the RTL headers and register map that print
   * it, are the same in every checkout.
   */
  hashed?(p: Params): unknown;
  /**
   * The unit's RTL comes from the user (an imported circuit), so a command checks it against the
   * golden model on every input pair before first use (sim/external-check.ts).
   */
  checkBeforeUse?: boolean;
  /** One-line summary used in headers and reports, e.g. `mitchell(fractionBits=4)`. */
  describe(p: Params): string;
  /**
   * Advice for one synthesis target: a parameter whose other value maps better there (DRUM's
   * `product`, binary's `popcount`), one sentence each naming the JSON path, the value and the
   * measured reason. `axgen synth --target` and `axgen fpga` (iCE40) print them as `hint:` lines.
   * `array.stages`: the PE has pipeline stages (`pipeline.multiplier` or `pipeline.macc` above 0),
   * for advice that holds only with or without them. Optional: no advice.
   */
  targetHints?(p: Params, target: 'ice40' | 'xilinx', array: { stages: boolean }): string[];
  /** Cross-field rules that need the operand precisions. */
  rules(p: Params, ctx: UnitContext): RuleIssue[];
  /** Host-side weight mapping applied before a weight reaches hardware (identity for most units). */
  mapWeight(w: number, p: Params, ctx: UnitContext): number;
  /** Golden model: the product of activation a and (mapped) weight w, both as integer values. */
  multiply(a: number, w: number, p: Params, ctx: UnitContext): number;
  /**
   * The exact value a product stands for, against which the error metrics measure `multiply`.
   * Optional: a·w for units that multiply integers; binary returns the ±1 dot product of the
   * packed words.
   */
  exact?(a: number, w: number, p: Params, ctx: UnitContext): number;
  /**
   * How many MACs of the user's GEMM one PE product performs (the MAC counters and throughput
   * count these). Optional: 1; binary XNOR-popcount does L (the word width) per product.
   */
  macsPerProduct?(p: Params, ctx: UnitContext): number;
  /** Smallest and largest product the unit can output (sizes p_o and the accumulator rule). */
  productRange(p: Params, ctx: UnitContext): ProductRange;
  /**
   * Names of the places inside `<prefix>_mul` where a pipeline register can go, in the order
   * `pipeline.multiplier` takes them (e.g. Mitchell: `antilog`, before the shifter). Optional: a
   * unit without cuts can still be pipelined after its product (`pipeline.macc`).
   */
  cuts?(p: Params, ctx: UnitContext): readonly string[];
  /**
   * Carry chains of the weight-stationary PE's accumulator adder when the config does not set
   * `pipeline.sumChains` (units/carry-save.ts). Optional: 1. A unit whose product bits all settle
   * at once (Mitchell's and ALM-SOA's antilog shifter) declares 3: its product then waits for a
   * third of the sum's carry chain. Not used with a saturating accumulator or in output-stationary,
   * which keep one chain.
   */
  sumChains?: number;
  /**
   * Modules to emit. `prefix` is the config name (a safe Verilog identifier); `stages` (at most
   * `cuts(p, ctx).length`, 0 when omitted) is how many cuts to register.
   */
  rtl(p: Params, ctx: UnitContext, prefix: string, header: (template: string) => string, stages?: number): UnitRtl;
}

/** Keeps a unit's literal schema type (for FromSchema) while checking it against UnitDef. */
export function defineUnit<const Kind extends string, const Schema extends JSONSchema, Params, Dsl = unknown>(
  unit: UnitDef<Kind, Schema, Params, Dsl>,
): UnitDef<Kind, Schema, Params, Dsl> {
  return unit;
}
