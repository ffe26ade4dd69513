/**
 * Sweep results: the JSON every other output is rendered from, the CSV (a row per point), Pareto
 * marks, and the merge of shards. Nothing here depends on timing or on which shard computed a point,
 * so merged shards give byte-identical files to the unsharded run.
 */
import { ConfigError, type ConfigProblem } from '../infra/errors.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { TARGET_DEFS, type Target } from '../estimate/targets.js';
import type { PointFigures } from './point.js';

export interface PointResult extends Partial<PointFigures> {
  index: number;
  name: string;
  label: string;
  axes: Record<string, unknown>;
  tokens: Record<string, string>;
  /** ok: every figure present; invalid: not a valid config; failed: a tool or internal error. */
  status: 'ok' | 'invalid' | 'failed';
  error?: string;
  configHash: string | null;
  unit: string | null;
  config: ResolvedConfig | null;
  /**
   * Pareto-optimal among the ok points of the same array shape and dataflow: area vs MRE (both
   * minimised); area vs fmax (null without fmax); area vs accuracy (null without spec.accuracy).
   */
  pareto?: { areaMre: boolean; areaFmax: boolean | null; areaAccuracy?: boolean | null };
}

export interface SweepResults {
  format: 'axgen-sweep-results-1';
  sweep: {
    name: string;
    description: string;
    hash: string;
    base: string;
    axes: string[];
    target: Target;
    gemm: { m: number; k: number; n: number };
    metrics: { samples: number; seed: number };
    placeAndRoute: { device: string; clockMHz: number; seed: number } | null;
    /** spec.accuracy as written (absent in results written before it existed). */
    accuracy?: { model: string; dataset: string; images: number } | null;
    gridPoints: number;
    droppedByFilters: number;
    points: number;
  };
  shard: { index: number; count: number } | null;
  generatorVersion: string;
  tools: { yosys: string; nextpnr: string | null };
  points: PointResult[];
}

export interface Objective<T> {
  value: (t: T) => number;
  sense: 'min' | 'max';
}

/**
 * Pareto-optimal flags: item i is optimal when no other item is at least as good in every objective
 * and strictly better in one. Items whose objective is not a finite number are never optimal and
 * never dominate.
 */
export function paretoFront<T>(items: readonly T[], objectives: readonly Objective<T>[]): boolean[] {
  const vals = items.map((t) => objectives.map((o) => (o.sense === 'min' ? o.value(t) : -o.value(t))));
  const finite = vals.map((v) => v.every((x) => Number.isFinite(x)));
  return vals.map((v, i) => {
    if (!finite[i]) return false;
    return !vals.some((w, j) => j !== i && finite[j] && w.every((x, k) => x <= v[k]!) && w.some((x, k) => x < v[k]!));
  });
}

/** Total area (primary variant) of a point, NaN when absent. */
export const areaOf = (p: PointResult) => p.synth?.area.total ?? NaN;
export const mreOf = (p: PointResult) => p.metrics?.mrePct ?? NaN;
export const fmaxOf = (p: PointResult) => (p.fmax?.fits && p.fmax.fmaxMHz !== null ? p.fmax.fmaxMHz : NaN);
/** Top-1 accuracy of the point's array in %, NaN without the accuracy figure. */
export const accuracyOf = (p: PointResult) => (p.accuracy ? 100 * p.accuracy.top1 : NaN);

/**
 * The group a point competes in for Pareto marks: its array shape and dataflow, i.e. points with the
 * same throughput. A bigger array is not "worse" for being bigger.
 */
export const paretoGroup = (p: PointResult) =>
  p.config ? `${p.config.array.rows}×${p.config.array.cols} ${p.config.dataflow}` : '';

/** Adds the Pareto marks (within each group of equal array shape); returns the same object. */
export function finalize(r: SweepResults): SweepResults {
  for (const p of r.points) delete p.pareto;
  const ok = r.points.filter((p) => p.status === 'ok');
  const groups = new Map<string, PointResult[]>();
  for (const p of ok) groups.set(paretoGroup(p), [...(groups.get(paretoGroup(p)) ?? []), p]);
  const hasFmax = ok.some((p) => Number.isFinite(fmaxOf(p)));
  const hasAccuracy = ok.some((p) => Number.isFinite(accuracyOf(p)));
  for (const g of groups.values()) {
    const am = paretoFront(g, [
      { value: areaOf, sense: 'min' },
      { value: mreOf, sense: 'min' },
    ]);
    const af = hasFmax
      ? paretoFront(g, [
          { value: areaOf, sense: 'min' },
          { value: fmaxOf, sense: 'max' },
        ])
      : null;
    const aa = hasAccuracy
      ? paretoFront(g, [
          { value: areaOf, sense: 'min' },
          { value: accuracyOf, sense: 'max' },
        ])
      : null;
    g.forEach((p, i) => {
      p.pareto = { areaMre: am[i]!, areaFmax: af ? af[i]! : null, ...(aa ? { areaAccuracy: aa[i]! } : {}) };
    });
  }
  return r;
}

/** Combines shard results into the results of the whole sweep (checks they are one complete set). */
export function mergeResults(parts: readonly { source: string; results: SweepResults }[]): SweepResults {
  const problems: ConfigProblem[] = [];
  if (parts.length === 0)
    throw new ConfigError('sweep-merge', [
      { path: '(arguments)', expected: 'one or more shard result folders', received: 'none' },
    ]);
  const first = parts[0]!.results;
  const count = first.shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { source, results } of parts) {
    if (results.format !== first.format)
      problems.push({
        path: source,
        expected: `results format ${first.format}`,
        received: JSON.stringify(results.format),
      });
    if (results.sweep.hash !== first.sweep.hash) {
      problems.push({
        path: source,
        expected: `a shard of the same sweep (sha256:${first.sweep.hash.slice(0, 12)}, ${parts[0]!.source})`,
        received: `sweep sha256:${results.sweep.hash.slice(0, 12)}`,
      });
    }
    if (
      results.generatorVersion !== first.generatorVersion ||
      results.tools.yosys !== first.tools.yosys ||
      results.tools.nextpnr !== first.tools.nextpnr
    ) {
      problems.push({
        path: source,
        expected: `results made with axgen ${first.generatorVersion}, ${first.tools.yosys}`,
        received: `axgen ${results.generatorVersion}, ${results.tools.yosys}`,
      });
    }
    const sc = results.shard?.count ?? 1;
    const si = results.shard?.index ?? 1;
    if (sc !== count) problems.push({ path: source, expected: `shard i/${count}`, received: `shard ${si}/${sc}` });
    else if (seen.has(si))
      problems.push({
        path: source,
        expected: `each shard once (shard ${si}/${count} is also ${seen.get(si)})`,
        received: `shard ${si}/${sc}`,
      });
    else seen.set(si, source);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0 && problems.length === 0) {
    problems.push({
      path: '(arguments)',
      expected: `all ${count} shards`,
      received: `no results for shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`,
    });
  }
  if (problems.length > 0) throw new ConfigError('sweep-merge', problems);
  const points = parts.flatMap((p) => p.results.points).sort((a, b) => a.index - b.index);
  if (points.length !== first.sweep.points || points.some((p, i) => p.index !== i)) {
    throw new ConfigError('sweep-merge', [
      {
        path: '(arguments)',
        expected: `points 0..${first.sweep.points - 1} exactly once`,
        received: `${points.length} points`,
      },
    ]);
  }
  return finalize({ ...first, shard: null, points: points.map((p) => structuredClone(p)) });
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)))) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column name → value getter, in order. */
function columns(r: SweepResults): [string, (p: PointResult) => unknown][] {
  const def = TARGET_DEFS[r.sweep.target];
  const cols: [string, (p: PointResult) => unknown][] = [
    ['index', (p) => p.index],
    ['name', (p) => p.name],
    ['status', (p) => p.status],
    ...r.sweep.axes.map((a) => [a, (p: PointResult) => p.tokens[a]] as [string, (p: PointResult) => unknown]),
    ['unit', (p) => p.unit],
    ['rows', (p) => p.config?.array.rows],
    ['cols', (p) => p.config?.array.cols],
    ['dataflow', (p) => p.config?.dataflow],
    ['activation_bits', (p) => p.config?.precision.activation.bits],
    ['weight_bits', (p) => p.config?.precision.weight.bits],
    ['accumulator_bits', (p) => p.config?.precision.accumulator.bits],
    ['target', () => r.sweep.target],
    ['hierarchical', (p) => (p.synth ? p.synth.hierarchical : '')],
    ['area_unit', (p) => p.synth?.area.unit],
    ['area_per_pe', (p) => p.synth?.area.perPe],
    ['area_total', (p) => p.synth?.area.total],
    ['pe_count', (p) => p.synth?.peCount],
  ];
  for (const v of def.variants) {
    for (const part of ['pe', 'rest', 'total'] as const) {
      for (const k of def.figureKeys)
        cols.push([`${v.id}.${part}.${k}`, (p) => p.synth?.variants.find((x) => x.id === v.id)?.[part][k]]);
    }
  }
  const m = (k: keyof NonNullable<PointResult['metrics']>) => (p: PointResult) => p.metrics?.[k];
  cols.push(
    ['mre_pct', m('mrePct')],
    ['wcre_pct', m('wcrePct')],
    ['mae', m('mae')],
    ['mae_pct', m('maePct')],
    ['wce', m('wce')],
    ['wce_pct', m('wcePct')],
    ['ep_pct', m('epPct')],
    ['mse', m('mse')],
    ['bias', m('bias')],
    ['mean_rel_pct', m('meanRelPct')],
    ['metrics_exhaustive', m('exhaustive')],
    ['metrics_samples', m('samples')],
    ['metrics_seed', m('seed')],
    ['peak_macs_per_cycle', (p) => p.throughput?.peakMacsPerCycle],
    ['gemm', () => `${r.sweep.gemm.m}x${r.sweep.gemm.k}x${r.sweep.gemm.n}`],
    ['gemm_cycles', (p) => p.throughput?.cycles],
    ['gemm_macs_per_cycle', (p) => p.throughput?.macsPerCycle],
    ['gemm_utilisation', (p) => p.throughput?.utilisation],
    ...(r.sweep.accuracy
      ? ([
          ['accuracy_images', (p) => p.accuracy?.images],
          ['top1_pct', (p) => (p.accuracy ? 100 * p.accuracy.top1 : undefined)],
          ['exact_int8_top1_pct', (p) => (p.accuracy ? 100 * p.accuracy.exactTop1 : undefined)],
          ['agreement_pct', (p) => (p.accuracy ? 100 * p.accuracy.agreement : undefined)],
          ['zero_skip_rate_pct', (p) => (p.accuracy?.zeroSkipRate != null ? 100 * p.accuracy.zeroSkipRate : undefined)],
        ] as [string, (p: PointResult) => unknown][])
      : []),
    ['pnr_device', (p) => p.fmax?.device],
    ['pnr_fits', (p) => p.fmax?.fits],
    ['fmax_mhz', (p) => p.fmax?.fmaxMHz],
    ['pareto_area_mre', (p) => p.pareto?.areaMre],
    ['pareto_area_fmax', (p) => p.pareto?.areaFmax],
    ...(r.sweep.accuracy
      ? ([['pareto_area_accuracy', (p) => p.pareto?.areaAccuracy]] as [string, (p: PointResult) => unknown][])
      : []),
    ['config_hash', (p) => p.configHash],
    ['generator_version', () => r.generatorVersion],
    ['yosys', (p) => p.synth?.tool ?? r.tools.yosys],
    ['nextpnr', (p) => p.fmax?.nextpnr ?? r.tools.nextpnr],
    ['error', (p) => p.error],
  );
  return cols;
}

export function resultsCsv(r: SweepResults): string {
  const cols = columns(r);
  const lines = [cols.map(([h]) => csvCell(h)).join(',')];
  for (const p of r.points) lines.push(cols.map(([, get]) => csvCell(get(p))).join(','));
  return lines.join('\n') + '\n';
}

export function resultsJson(r: SweepResults): string {
  return JSON.stringify(r, null, 2) + '\n';
}
