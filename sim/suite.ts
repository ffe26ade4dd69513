/**
 * Regression suites: lists of written configs, built from the unit registry so that every unit kind
 * registered in generator/units/registry.ts is covered without editing this file. Each kind runs the
 * parameter sets it declares itself (`samples.regress`, types.ts UnitSamples; default: its schema
 * defaults).
 *
 *   smoke    two small exact configs (one per dataflow): what the default test command runs
 *   default  every unit kind × both dataflows, signed / unsigned / mixed operands, shapes from
 *            1×1 to 4×4 including non-square, and each kind with its first pipeline setting on
 *            both dataflows, both simulators (`axgen regress`)
 *   full     the cartesian product of kinds × parameter sets × dataflows × signedness × shapes up
 *            to 16×16 × wrap/saturate, every pipeline setting of each set (UnitSamples.pipeline)
 *            on both dataflows at 2×3 and 4×4 (the first setting also 8×8), and the requantizing
 *            output stage on every kind × parameter set × dataflow (int8 and uint8 outputs; widths
 *            2, 12 and 16 on exact) (`npm run regress:full`, tens of minutes on 2 cores)
 */
import { samplesOf, units } from '../generator/units/index.js';
import type { GemmShape } from './cases.js';
import { cutAtWord } from '../generator/infra/text.js';

export type SuiteName = 'smoke' | 'default' | 'full';
export const SUITES: readonly SuiteName[] = ['smoke', 'default', 'full'];

export interface SuiteEntry {
  /** The written config (validated when the suite runs; a stale entry fails the suite, loudly). */
  written: Record<string, unknown>;
  /** Fallback multiplier when `written.multiplier` does not validate (a unit renamed a parameter). */
  fallbackMultiplier?: Record<string, unknown>;
  gemm?: GemmShape;
  /**
   * The whole description, when `written.description` had to be cut to the schema's 200 characters
   * (a unit's file paths in its parameters are long): what `regress --list` shows.
   */
  about?: string;
}

export function unitKinds(): string[] {
  return units.map((u) => u.kind);
}

/** The parameter sets a kind declares for the regression suites. */
const paramsOf = (kind: string): Record<string, unknown>[] => [
  ...samplesOf(units.find((u) => u.kind === kind)!).regress,
];

type Sign = 'signed' | 'unsigned' | 'mixed';
interface Point {
  kind: string;
  params: Record<string, unknown>;
  paramIndex: number;
  dataflow: 'weight-stationary' | 'output-stationary';
  rows: number;
  cols: number;
  sign: Sign;
  overflow?: 'wrap' | 'saturate';
  /** The zeroSkip field. */
  zeroSkip?: Record<string, unknown>;
  /** The pipeline field (units/pipeline.ts). */
  pipeline?: { multiplier: number; macc: 0 | 1; edge?: 0 | 1 };
  /** The outputStage field (requantizing output stage). */
  outputStage?: { bits: number; signed: boolean };
}

/** The pipeline settings a kind's parameter set runs with (UnitSamples.pipeline). */
const pipelinesOf = (kind: string, params: Record<string, unknown>) =>
  samplesOf(units.find((u) => u.kind === kind)!).pipeline(params);

function entryFor(pt: Point, index: number): SuiteEntry {
  // A unit that supports only some operand formats (samples.operands) runs at those, in turn; the
  // entry's name and description then give the signedness it really has.
  const formats = samplesOf(units.find((u) => u.kind === pt.kind)!).operands;
  const fixed = formats?.[index % formats.length];
  const p: Point = fixed
    ? {
        ...pt,
        sign:
          fixed.activation.signed && fixed.weight.signed
            ? 'signed'
            : !fixed.activation.signed && !fixed.weight.signed
              ? 'unsigned'
              : 'mixed',
      }
    : pt;
  const df = p.dataflow === 'weight-stationary' ? 'ws' : 'os';
  const name =
    `r${index}_${p.kind.replace(/[^a-z0-9]/g, '')}${p.paramIndex}_${df}_${p.rows}x${p.cols}_${p.sign[0]}${p.zeroSkip ? '_zs' : ''}${p.outputStage ? '_st' : ''}${p.overflow === 'saturate' ? '_sat' : ''}${p.pipeline ? `_p${p.pipeline.multiplier}${p.pipeline.macc}${p.pipeline.edge ? 'e' : ''}` : ''}`.slice(
      0,
      40,
    );
  const operands = fixed
    ? { activation: fixed.activation, weight: fixed.weight }
    : p.sign === 'signed'
      ? { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } }
      : p.sign === 'unsigned'
        ? { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } }
        : { activation: { bits: 6, signed: false }, weight: { bits: 8, signed: true } };
  const accumulator = p.overflow === 'saturate' ? { bits: 18, overflow: 'saturate' } : { overflow: 'wrap' };
  const about = `regression: ${p.kind} ${JSON.stringify(p.params)}, ${p.dataflow}, ${p.rows}x${p.cols}, ${fixed ? `${operands.activation.bits}x${operands.weight.bits}-bit ` : ''}${p.sign}${p.zeroSkip ? `, zeroSkip ${JSON.stringify(p.zeroSkip)}` : ''}${p.outputStage ? `, outputStage ${JSON.stringify(p.outputStage)}` : ''}${p.overflow === 'saturate' ? ', saturating' : ''}${p.pipeline ? `, pipeline ${p.pipeline.multiplier}+${p.pipeline.macc}${p.pipeline.edge ? ' edge' : ''}` : ''}`;
  const written: Record<string, unknown> = {
    name,
    // The schema's limit is 200 characters: cut at a word, with an ellipsis; `about` keeps it whole.
    description: cutAtWord(about, 200),
    array: { rows: p.rows, cols: p.cols, maxK: 64, accDepth: 16 },
    dataflow: p.dataflow,
    precision: { ...operands, accumulator },
    multiplier: { kind: p.kind, ...p.params },
  };
  if (p.zeroSkip) written.zeroSkip = p.zeroSkip;
  if (p.pipeline) written.pipeline = p.pipeline;
  if (p.outputStage) written.outputStage = p.outputStage;
  return { written, fallbackMultiplier: { kind: p.kind }, ...(about.length > 200 ? { about } : {}) };
}

const ZS_ZERO = { activation: 0, weight: 0, gating: 'isolate' };
const ZS_NEAR = { activation: 3, weight: 1, gating: 'enable' };

const SHAPES_DEFAULT: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 2],
  [4, 4],
];

function defaultPoints(): Point[] {
  const pts: Point[] = [];
  const dfs = ['weight-stationary', 'output-stationary'] as const;
  const signs: Sign[] = ['signed', 'unsigned', 'mixed'];
  let i = 0;
  for (const kind of unitKinds()) {
    paramsOf(kind).forEach((params, paramIndex) => {
      // Each parameter set runs on both dataflows; shapes and signedness rotate across entries so
      // that every kind sees 1×1, non-square and square arrays and every signedness.
      for (const dataflow of dfs) {
        const [rows, cols] = SHAPES_DEFAULT[i % SHAPES_DEFAULT.length]!;
        pts.push({ kind, params, paramIndex, dataflow, rows, cols, sign: signs[i % signs.length]! });
        i++;
      }
    });
  }
  // Exact extras: a saturating accumulator and the remaining signedness on a non-square array.
  pts.push({
    kind: 'exact',
    params: {},
    paramIndex: 0,
    dataflow: 'weight-stationary',
    rows: 4,
    cols: 2,
    sign: 'signed',
    overflow: 'saturate',
  });
  pts.push({
    kind: 'exact',
    params: {},
    paramIndex: 0,
    dataflow: 'output-stationary',
    rows: 2,
    cols: 4,
    sign: 'mixed',
    overflow: 'saturate',
  });
  {
    for (const kind of unitKinds()) {
      // Exact zeros with operand isolation; near-zero thresholds with enable gating.
      pts.push({
        kind,
        params: paramsOf(kind)[0]!,
        paramIndex: 0,
        dataflow: 'weight-stationary',
        rows: 3,
        cols: 2,
        sign: 'signed',
        zeroSkip: ZS_ZERO,
      });
      pts.push({
        kind,
        params: paramsOf(kind)[0]!,
        paramIndex: 0,
        dataflow: 'output-stationary',
        rows: 2,
        cols: 3,
        sign: 'unsigned',
        zeroSkip: ZS_NEAR,
      });
      // PE pipeline stages: the kind's first pipeline setting on both dataflows, with zero-skip on
      // output-stationary (the valid bit and the skip flag travel with the product), and with the
      // edge register (pipeline.edge) on weight-stationary.
      const params = paramsOf(kind)[0]!;
      const pipeline = pipelinesOf(kind, params)[0]!;
      pts.push({
        kind,
        params,
        paramIndex: 0,
        dataflow: 'weight-stationary',
        rows: 2,
        cols: 3,
        sign: 'mixed',
        pipeline: { ...pipeline, edge: 1 },
      });
      pts.push({
        kind,
        params,
        paramIndex: 0,
        dataflow: 'output-stationary',
        rows: 3,
        cols: 2,
        sign: 'signed',
        zeroSkip: ZS_ZERO,
        pipeline,
      });
    }
  }
  return pts;
}

function fullPoints(): Point[] {
  const pts: Point[] = [];
  const shapes: [number, number][] = [
    [1, 1],
    [1, 4],
    [4, 1],
    [2, 3],
    [3, 5],
    [4, 4],
    [8, 8],
    [16, 16],
  ];
  for (const kind of unitKinds())
    paramsOf(kind).forEach((params, paramIndex) => {
      const unit = { kind, params, paramIndex };
      for (const dataflow of ['weight-stationary', 'output-stationary'] as const)
        for (const sign of ['signed', 'unsigned', 'mixed'] as const)
          for (const [rows, cols] of shapes) {
            const at = { ...unit, dataflow, rows, cols, sign };
            pts.push(at);
            if (rows === 4 && cols === 4) pts.push({ ...at, overflow: 'saturate' });
            if (rows === 3) pts.push({ ...at, zeroSkip: sign === 'unsigned' ? ZS_NEAR : ZS_ZERO });
          }
      // Every pipeline setting of every parameter set, on both dataflows, at 2×3 (with zero-skip)
      // and 4×4; the first setting (every cut + macc) also at 8×8, and with the edge register.
      pipelinesOf(kind, params)
        .flatMap((pipeline, pipeIndex) => [
          [pipeline, pipeIndex] as const,
          ...(pipeIndex === 0 ? [[{ ...pipeline, edge: 1 as const }, pipeIndex] as const] : []),
        ])
        .forEach(([pipeline, pipeIndex]) => {
          for (const dataflow of ['weight-stationary', 'output-stationary'] as const)
            for (const [rows, cols, sign] of [
              [2, 3, 'signed'],
              [4, 4, 'mixed'],
              ...(pipeIndex === 0 ? ([[8, 8, 'unsigned']] as const) : []),
            ] as const)
              pts.push({ ...unit, dataflow, rows, cols, sign, pipeline, ...(rows === 2 ? { zeroSkip: ZS_NEAR } : {}) });
        });
      // The requantizing output stage: every parameter set × dataflow, int8 and uint8 outputs.
      for (const dataflow of ['weight-stationary', 'output-stationary'] as const)
        for (const sign of ['signed', 'unsigned'] as const)
          pts.push({ ...unit, dataflow, rows: 3, cols: 4, sign, outputStage: { bits: 8, signed: sign === 'signed' } });
    });
  // Output widths at the ends of 2..16 and a saturating accumulator under the stage.
  for (const dataflow of ['weight-stationary', 'output-stationary'] as const) {
    const base = { kind: 'exact', params: {}, paramIndex: 0, dataflow, rows: 4, cols: 3 };
    pts.push({ ...base, sign: 'signed', outputStage: { bits: 2, signed: true } });
    pts.push({ ...base, sign: 'mixed', outputStage: { bits: 16, signed: false } });
    pts.push({ ...base, sign: 'signed', overflow: 'saturate', outputStage: { bits: 12, signed: true } });
  }
  return pts;
}

function smokePoints(): Point[] {
  return [
    { kind: 'exact', params: {}, paramIndex: 0, dataflow: 'weight-stationary', rows: 2, cols: 3, sign: 'signed' },
    { kind: 'exact', params: {}, paramIndex: 0, dataflow: 'output-stationary', rows: 1, cols: 1, sign: 'mixed' },
  ];
}

export function suite(name: SuiteName): SuiteEntry[] {
  const pts = name === 'smoke' ? smokePoints() : name === 'default' ? defaultPoints() : fullPoints();
  return pts.map((p, i) => entryFor(p, i));
}
