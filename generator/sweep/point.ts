/**
 * The figures of one sweep point: hierarchical synthesis (generator/estimate), error metrics
 * (generator/metrics), throughput from the cycle model via the host schedule (generator/model), and
 * optionally fmax from place and route (generator/fpga). Cached as one entry per point, keyed by
 * everything that determines these figures, so an unchanged point is never recomputed and an
 * interrupted sweep resumes where it stopped.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cached, contentKey, sourceHash } from '../infra/cache.js';
import { tool } from '../infra/tools.js';
import { derive } from '../config/derive.js';
import { canonicalJson, configHash, type ResolvedConfig } from '../config/resolve.js';
import { placeAndRoute, type PnrStatus } from '../fpga/pnr.js';
import { errorMetrics, type ErrorMetrics } from '../metrics/metrics.js';
import { commandLimits, shapeOf } from '../model/schedule.js';
import { streamTotal, type CommandRun } from '../config/cycles.js';
import { GENERATOR_VERSION } from '../version.js';
import { SYNTH_NAME, SYNTH_SCRIPT_VERSION, synthesisRtl, synthesize, type SynthResult } from '../estimate/synth.js';
import type { Target } from '../estimate/targets.js';
import { loadDataset, type LabeledImages } from '../data/dataset.js';
import { runAccuracy } from '../inference/accuracy-run.js';
import { loadNetwork } from '../inference/accuracy.js';
import { networkConfigError } from '../onnx/check.js';
import type { AccuracyFigure } from './spec.js';

export interface Throughput {
  /** R×C: one MAC per PE per cycle at best. */
  peakMacsPerCycle: number;
  gemm: { m: number; k: number; n: number };
  /** Cycles of the reference GEMM on this array (commands back to back, cycle model), null when K > array.maxK. */
  cycles: number | null;
  commands: number | null;
  /** M·K·N / cycles. */
  macsPerCycle: number | null;
  /** macsPerCycle / peak. */
  utilisation: number | null;
}

export interface Fmax {
  device: string;
  clockMHz: number;
  /** true when routed, false when a resource overflows, null when not known (did not route, or timed out: `status`). */
  fits: boolean | null;
  /** nextpnr's outcome (generator/fpga/pnr.ts PnrStatus); absent in points cached by earlier versions. */
  status?: PnrStatus;
  fmaxMHz: number | null;
  meetsTiming: boolean | null;
  logicCells: number | null;
  nextpnr: string;
}

/** A point's accuracy on the sweep's network and images (spec.accuracy; docs/accuracy.md). */
export interface PointAccuracy {
  images: number;
  /** Top-1 accuracy of the point's array (fraction). */
  top1: number;
  /** Top-1 accuracy of the same network in int8 with the exact multiplier (fraction). */
  exactTop1: number;
  /** Fraction of images where the array predicts the class exact int8 predicts. */
  agreement: number;
  /** Skipped MACs / all MACs on these images, or null without zero-skip. */
  zeroSkipRate: number | null;
}

/** What a point's cache entry holds: everything but the point's name and place in the grid. */
export interface PointFigures {
  synth: SynthResult;
  metrics: ErrorMetrics;
  throughput: Throughput;
  fmax?: Fmax;
  /** With spec.accuracy (cached apart from the rest, by accuracy-run.ts). */
  accuracy?: PointAccuracy;
}

export interface PointOptions {
  target: Target;
  gemm: { m: number; k: number; n: number };
  metrics: { samples: number; seed: number };
  placeAndRoute?: { device: string; clockMHz: number; seed: number };
  /** The accuracy figure (not part of the point's own cache key: its runs have their own entries). */
  accuracy?: AccuracyFigure;
}

/** Bumped when what a point entry holds changes. */
export const POINT_FORMAT = 'axgen-sweep-point-1';

/** sha256 of the config without its name and description (they only prefix module names and comments). */
export function hardwareHash(c: ResolvedConfig): string {
  // configHash: what the unit says its parameters hash as (an imported circuit's file contents, not
  // its folder), so the cache is shared across checkouts.
  const { hash: _hash, description: _description, ...body } = { ...c, name: SYNTH_NAME };
  return configHash(body);
}

/**
 * The commands of an M×K×N GEMM as runs of identical commands, in the order schedule() sends them
 * (generator/model/schedule.ts gemmCommands: M cut by commandLimits(c).m, outer; N by the C
 * columns, inner; each command carries the whole K): the full M blocks, then the last, shorter one.
 * K must not exceed array.maxK (the schedule does not split K).
 */
export function gemmRuns(c: ResolvedConfig, cols: number, gemm: { m: number; k: number; n: number }): CommandRun[] {
  const mStep = commandLimits(c).m;
  const perBlock = Math.ceil(gemm.n / cols);
  const full = Math.floor(gemm.m / mStep);
  const rest = gemm.m - full * mStep;
  return [
    { m: mStep, k: gemm.k, count: full * perBlock },
    { m: rest, k: gemm.k, count: rest > 0 ? perBlock : 0 },
  ].filter((r) => r.count > 0);
}

/**
 * A point's throughput on the sweep's reference GEMM (M, K, N from 1 to the schema's limits):
 * peak MACs/cycle, cycles of the GEMM's commands sent back to back (the cycle model's tot_cycles_o,
 * generator/config/cycles.ts, equal to schedule()'s totalCycles), the commands, MACs/cycle and
 * utilisation; cycles and what follows from them are null when K > array.maxK. Counted from runs of
 * identical commands (streamTotal) in time and memory that do not grow with M·N: the schedule's
 * beats and golden results of a 4096×64×4096 GEMM do not fit in Node's heap.
 */
export function throughputOf(c: ResolvedConfig, gemm: { m: number; k: number; n: number }): Throughput {
  // MACs of the user's GEMM: a packed unit (binary) does Derived.macsPerProduct per PE product.
  const d = derive(c);
  const perProduct = d.macsPerProduct;
  const peak = c.array.rows * c.array.cols * perProduct;
  if (gemm.k > c.array.maxK)
    return { peakMacsPerCycle: peak, gemm, cycles: null, commands: null, macsPerCycle: null, utilisation: null };
  const runs = gemmRuns(c, d.cols, gemm);
  const cycles = streamTotal(shapeOf(c, d), runs);
  const macs = gemm.m * gemm.k * gemm.n * perProduct;
  return {
    peakMacsPerCycle: peak,
    gemm,
    cycles,
    commands: runs.reduce((n, r) => n + r.count, 0),
    macsPerCycle: macs / cycles,
    utilisation: macs / cycles / peak,
  };
}

async function fmaxOf(c: ResolvedConfig, o: NonNullable<PointOptions['placeAndRoute']>): Promise<Fmax> {
  const { files, top } = synthesisRtl(c);
  const r = await placeAndRoute({ files, top, device: o.device, clockMHz: o.clockMHz, seed: o.seed, dsp: false });
  return {
    device: r.device,
    clockMHz: r.clockMHz,
    fits: r.fits,
    status: r.status,
    fmaxMHz: r.fmaxMHz,
    meetsTiming: r.meetsTiming,
    logicCells: r.utilisation.lc,
    nextpnr: r.toolVersions.nextpnr,
  };
}

/** The cache key of a point: hardware config, generator version, RTL, tool versions, scripts, options. */
export async function pointKey(c: ResolvedConfig, o: PointOptions): Promise<string> {
  const yosys = await tool('yosys');
  const pnr = o.placeAndRoute ? (await tool('nextpnr-ice40')).version : '';
  const rtl = contentKey(synthesisRtl(c).files.flatMap((f) => [f.name, f.text]));
  // The golden models and metrics code: editing a unit's model must not reuse stale error figures.
  const models = sourceHash(['generator/config', 'generator/units', 'generator/metrics', 'generator/model']);
  return contentKey([
    POINT_FORMAT,
    GENERATOR_VERSION,
    hardwareHash(c),
    rtl,
    models,
    yosys.version,
    SYNTH_SCRIPT_VERSION,
    pnr,
    canonicalJson({ ...o, accuracy: undefined }),
  ]);
}

/** Computes (or reads from the cache) the figures of one valid point. */
export async function pointFigures(
  c: ResolvedConfig,
  o: PointOptions,
): Promise<{ figures: PointFigures; hit: boolean }> {
  // A config that cannot run the sweep's network fails before its synthesis, not after (the same
  // check as axgen accuracy; the message names the config field per layer).
  if (o.accuracy) {
    const { issues } = loadNetwork(o.accuracy.model, c);
    if (issues.length > 0) throw networkConfigError(o.accuracy.model, c.name, issues);
  }
  const key = await pointKey(c, o);
  const compute = async (dir: string) => {
    const [synth, fmax] = await Promise.all([
      synthesize(c, o.target),
      o.placeAndRoute ? fmaxOf(c, o.placeAndRoute) : Promise.resolve(undefined),
    ]);
    const metrics = errorMetrics(c, { samples: o.metrics.samples, seed: o.metrics.seed });
    const figures: PointFigures = { synth, metrics, throughput: throughputOf(c, o.gemm), ...(fmax ? { fmax } : {}) };
    await writeFile(join(dir, 'point.json'), JSON.stringify(figures, null, 2) + '\n');
  };
  let entry = await cached('sweep-point', key, compute);
  let figures: PointFigures;
  try {
    figures = JSON.parse(await readFile(join(entry.dir, 'point.json'), 'utf8')) as PointFigures;
  } catch {
    // An entry is renamed into place only when complete, so this is damage from outside: rebuild it.
    await rm(entry.dir, { recursive: true, force: true });
    entry = await cached('sweep-point', key, compute);
    figures = JSON.parse(await readFile(join(entry.dir, 'point.json'), 'utf8')) as PointFigures;
  }
  if (!o.accuracy) return { figures, hit: entry.hit };
  const acc = await pointAccuracy(c, o.accuracy);
  return { figures: { ...figures, accuracy: acc.figure }, hit: entry.hit && acc.hit };
}

const datasets = new Map<string, Promise<LabeledImages>>();

/**
 * The accuracy figure of one point through runAccuracy (its cache: config hash, model hash,
 * dataset hash, N); the dataset is read once per process. The array run's shards take job-pool
 * slots like the synthesis jobs.
 * @throws ConfigError when the config cannot run the model (the point then fails with the reason)
 */
export async function pointAccuracy(
  c: ResolvedConfig,
  a: AccuracyFigure,
): Promise<{ figure: PointAccuracy; hit: boolean }> {
  let ds = datasets.get(a.dataset);
  if (!ds) datasets.set(a.dataset, (ds = loadDataset(a.dataset, 'test')));
  const images = await ds;
  const { report, cache } = await runAccuracy(c, a.model, images, { limit: a.images, layerImages: 1 });
  return {
    figure: {
      images: report.images,
      top1: report.array.accuracy,
      exactTop1: report.exact.accuracy,
      agreement: report.agreement,
      zeroSkipRate: report.zeroSkipRate,
    },
    hit: cache.array,
  };
}
