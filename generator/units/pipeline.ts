/**
 * PE pipelining: the optional top-level config field `pipeline`. Owns its schema fragment, the DSL
 * helper, the cross-field rule, the label and the Verilog helpers that put a register at a cut.
 *
 *   pipeline: { multiplier: n, macc: 0 | 1, edge: 0 | 1 }
 *
 * - `multiplier: n` registers the first n of the unit's own cut points (UnitDef.cuts, in the
 *   order the unit lists them; docs/units.md names each unit's). A unit that declares none
 *   accepts only 0. Each cut is one register stage inside `<prefix>_mul`, which then has the
 *   ports clk_i, rst_ni and en_i (the array's advance).
 * - `macc: 1` registers the product between `<prefix>_mul` and the accumulator adder in the PE.
 * - `edge: 1` registers each edge encoder's input (`<prefix>_act_pre` per row, `<prefix>_wgt_pre`
 *   per column, with what travels beside the operand: its valid bit, bank, zero-skip flag, row
 *   enable), so that an encoder runs from a register of its own rather than from the stream ports
 *   and the injector's control, whose nets span the array. It is not a PE stage: it adds one cycle
 *   to the array edge (edgeStagesOf, config/cycles.ts `ArrayShape.edgeStages`), so each command's
 *   results leave one cycle later and a weight bank is released one cycle later; the weights'
 *   extra cycle lies within the slack that the activations' extra cycle opens (top_ws.v.hbs).
 *
 * peStages = n + macc (config/derive.ts `Derived.peStages`): the extra advancing cycles between a
 * PE's operand registers and its partial-sum / accumulator update. The stages advance with the
 * array (en_i = adv), so a stall freezes them in step. The pipeline is uniform, so it only adds
 * latency: in weight-stationary a[m] reaches PE(r,c) at m+r+c and its product meets the partial
 * sum from above, which left PE(r−1,c) peStages cycles late too, at m+r+c+peStages; the skew does
 * not change, the results leave and the fold's weight bank is released peStages cycles later. In
 * output-stationary the valid bit, the last-beat flag (and the zero-skip flag) travel with the
 * product, so the move to the output registers and the drain start peStages cycles later. The
 * golden model does not change; the cycle model (config/cycles.ts) adds peStages to each
 * command's drain (and to the bank release that paces folds shorter than C + peStages). Absent:
 * no stage.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { RuleIssue, SplitProduct, View } from './types.js';
import { lit, msb } from './verilog.js';
import { carrySaveAllowed } from './carry-save.js';

/** Most cut points any unit may declare (the schema's bound on `pipeline.multiplier`). */
export const MAX_MUL_STAGES = 4;
/** Most carry chains `pipeline.sumChains` may ask for. */
export const MAX_SUM_CHAINS = 4;

export const pipelineSchema = {
  type: 'object',
  description:
    "Pipeline registers: multiplier and macc inside each PE, shortening the path from the operand registers to the accumulator; edge in front of the array's edge encoders. " +
    "Each stage adds one cycle of latency to each command's results (and to the weight-bank release that paces short folds) and never changes a result. " +
    'Absent: no stage.',
  additionalProperties: false,
  properties: {
    multiplier: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_MUL_STAGES,
      default: 0,
      description:
        "Registers inside the multiplier, at the first n of the unit's own cut points (docs/units.md lists each unit's); " +
        'at most the number of cut points the unit declares.',
    },
    macc: {
      enum: [0, 1],
      default: 0,
      description: '1: a product register between the multiplier and the accumulator adder.',
    },
    edge: {
      enum: [0, 1],
      default: 0,
      description:
        "1: a register in front of each edge encoder (activation per row, weight per column), so that no encoder lies on a path from the stream ports or the top's control; " +
        "adds one cycle of latency to each command's results, not a PE stage.",
    },
    sumChains: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_SUM_CHAINS,
      description:
        "Carry chains of the weight-stationary PE's accumulator adder: more than 1 passes the partial sum down each column in carry-save form " +
        '(one carry bit per extra chain and PE, added in below the array; no latency, no change to any result). ' +
        "Absent: the unit's choice (3 for Mitchell and ALM-SOA, whose product leaves a shifter with all bits at once; 1 for the others). " +
        'More than 1 needs weight-stationary and a wrapping accumulator.',
    },
  },
} as const;

/** As written (defaulted fields optional). */
export type PipelineConfig = FromSchema<typeof pipelineSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: the normalizer (ajv) filled both fields. */
export type ResolvedPipeline = FromSchema<typeof pipelineSchema>;

/** DSL helper: `pipeline: pipeline({ multiplier: 1, macc: 1 })`. */
export function pipeline(
  p: { multiplier?: number; macc?: 0 | 1; edge?: 0 | 1; sumChains?: number } = {},
): PipelineConfig {
  return { ...p };
}

/** Stages inside `<prefix>_mul` (0 without the field). */
export const mulStagesOf = (p: ResolvedPipeline | undefined): number => p?.multiplier ?? 0;

/** Stages between the operand registers and the accumulator update: multiplier + macc. */
export const peStagesOf = (p: ResolvedPipeline | undefined): number => (p ? p.multiplier + p.macc : 0);

/** Register stages between the top's stream ports / control and the array: 1, plus `pipeline.edge`. */
export const edgeStagesOf = (p: ResolvedPipeline | undefined): number => 1 + (p?.edge ?? 0);

/**
 * `pipeline(multiplier=1: antilog, macc=1)` (`, edge=1` appended when set), for headers and
 * reports; null without any stage.
 */
export function describePipeline(p: ResolvedPipeline | undefined, cuts: readonly string[]): string | null {
  if (!p || peStagesOf(p) + p.edge === 0) return null;
  const m = p.multiplier > 0 ? `multiplier=${p.multiplier}: ${cuts.slice(0, p.multiplier).join(' ')}` : 'multiplier=0';
  return `pipeline(${m}, macc=${p.macc}${p.edge ? ', edge=1' : ''})`;
}

/**
 * `pipeline.multiplier` within the unit's cut points; `pipeline.sumChains` above 1 only in
 * weight-stationary with a wrapping accumulator (units/carry-save.ts says why).
 */
export function pipelineRules(
  p: ResolvedPipeline | undefined,
  kind: string,
  cuts: readonly string[],
  flow: { ws: boolean; saturate: boolean },
): RuleIssue[] {
  if (!p) return [];
  const issues: RuleIssue[] = [];
  if ((p.sumChains ?? 1) > 1 && !carrySaveAllowed(flow.ws, flow.saturate))
    issues.push({
      path: 'pipeline.sumChains',
      message: `1 ${flow.ws ? 'with a saturating accumulator' : 'in output-stationary'} (a carry-save partial sum needs weight-stationary and a wrapping accumulator)`,
    });
  if (p.multiplier <= cuts.length) return issues;
  return [
    ...issues,
    {
      path: 'pipeline.multiplier',
      message:
        cuts.length === 0
          ? `0: the ${kind} unit declares no cut point inside its multiplier (use pipeline.macc)`
          : `at most ${cuts.length}, the cut points the ${kind} unit declares (${cuts.join(', ')})`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Verilog helpers for the units' templates

/** One signal that crosses a cut: its name below the cut, its width, and its expression above it. */
export interface CutSignal {
  name: string;
  bits: number;
  expr: string;
}

/**
 * Lines declaring every signal of a cut: a wire equal to its expression when the cut is not
 * registered, else a register loaded from the expression on each advancing cycle (en_i) and
 * cleared by reset. Indented two spaces, for a module body.
 */
export function cutLines(what: string, signals: readonly CutSignal[], registered: boolean): string {
  const decl = (s: CutSignal) => (s.bits === 1 ? '' : `[${msb(s.bits)}:0] `);
  if (!registered) return signals.map((s) => `  wire ${decl(s)}${s.name} = ${s.expr};`).join('\n');
  const out = [`  // Pipeline stage (${what}): registered, advancing with the array.`];
  for (const s of signals) out.push(`  reg  ${decl(s)}${s.name};`);
  out.push('  always @(posedge clk_i) begin', '    if (!rst_ni) begin');
  for (const s of signals) out.push(`      ${s.name} <= ${lit(s.bits, 0)};`);
  out.push('    end else if (en_i) begin');
  for (const s of signals) out.push(`      ${s.name} <= ${s.expr};`);
  out.push('    end', '  end');
  return out.join('\n');
}

/** The clock, reset and advance ports of a pipelined `<prefix>_mul` (empty when it has no stage). */
export function stagePorts(stages: number): string {
  if (stages === 0) return '';
  return [
    '  input  wire clk_i,',
    '  input  wire rst_ni,',
    '  input  wire en_i,  // the array advances: every stage moves',
    '',
  ].join('\n');
}

/** What the PE view of the pipeline needs to know. */
export interface PipelinePeContext {
  ws: boolean;
  zeroSkip: boolean;
  mulStages: number;
  peStages: number;
  /** Product width. */
  pBits: number;
  /** The unit's split product (types.ts SplitProduct), which the PE then adds instead of p_o. */
  split?: SplitProduct;
}

const CTL_DESC: Record<string, string> = {
  skip: 'the zero-skip flag',
  av_i: 'the valid bit',
  l_i: 'the last-beat flag',
};

/**
 * Keys of the PE templates (templates/pe_*.v.hbs, partials/pe_pipeline.hbs): the clocked
 * multiplier's ports, the product the PE adds (`prod`, and with a split product its carry-in
 * `prod_c`, both through the product register), and the delay line of the control bits that must meet
 * the product at the adder (OS: the valid bit and the last-beat flag, which moves the finished
 * sum to the output register; with zero-skip: the skip flag). With no stage the
 * keys leave the PE as it was (skip, av_i and l_i used where they are formed).
 */
export function pipelinePeView(x: PipelinePeContext): View {
  const S = x.peStages;
  const macc = S > x.mulStages;
  const ctl = x.ws ? (x.zeroSkip ? ['skip'] : []) : x.zeroSkip ? ['skip', 'av_i', 'l_i'] : ['av_i', 'l_i'];
  const piped = S > 0 && ctl.length > 0;
  const bit = (name: string) => (piped ? `ctl_p[${ctl.length - 1 - ctl.indexOf(name)}]` : name);
  const view: Record<string, string | boolean> = {
    mulClocked: x.mulStages > 0,
    mulOut: macc ? 'prod_mul' : 'prod',
    mulOutC: macc ? 'prod_c_mul' : 'prod_c',
    macc,
    split: x.split !== undefined,
    prodBits: String(x.split?.pxBits ?? x.pBits),
    prodMsb: msb(x.split?.pxBits ?? x.pBits),
    ctlPipe: piped,
    peStages: String(S),
    ctlBits: String(ctl.length),
    ctlMsb: msb(Math.max(1, ctl.length)),
    ctlIn: ctl.length === 1 ? ctl[0]! : `{${ctl.join(', ')}}`,
    ctlDesc: ctl.map((n) => CTL_DESC[n]).join(', '),
    skipAtAdd: bit('skip'),
  };
  if (!x.ws) {
    view.accEnable = x.zeroSkip ? `${bit('av_i')} && !${bit('skip')}` : bit('av_i');
    view.lastAtAdd = bit('l_i');
  }
  return view;
}
