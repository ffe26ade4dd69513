/**
 * Runs a sweep: every point of the (sharded) grid through pointFigures. Tool runs take slots of the
 * shared job pool (generator/infra/pool.ts, sized by --jobs), so this is the same pool the co-simulation uses;
 * at most two points per slot are in flight, which keeps the pool busy without holding the whole
 * grid's RTL in memory. A point that fails is recorded with its error and the sweep goes on.
 */
import { derive } from '../config/derive.js';
import { GENERATOR_VERSION } from '../version.js';
import { jobPool } from '../infra/pool.js';
import { tool } from '../infra/tools.js';
import { checkGrid, expandGrid, shardOf, type GridPoint, type Sweep } from './spec.js';
import { pointFigures, type PointFigures, type PointOptions } from './point.js';
import type { SweepResults, PointResult } from './results.js';

export interface RunEvents {
  /** Called once the grid is known (after filters and sharding). */
  onStart?(total: number): void;
  /** Called as each point finishes, in completion order. */
  onPoint?(p: PointResult, info: { cached: boolean; seconds: number }): void;
}

export interface RunOptions extends RunEvents {
  shard?: { index: number; count: number } | null;
  /** Replaces the figures computation (tests inject failures and delays here). */
  compute?: (c: NonNullable<GridPoint['config']>, o: PointOptions) => Promise<{ figures: PointFigures; hit: boolean }>;
  /** Set to stop scheduling new points (in-flight points finish; results are not written). */
  signal?: AbortSignal;
}

export interface RunStats {
  points: number;
  cached: number;
  computed: number;
  failed: number;
  invalid: number;
  seconds: number;
}

export function pointOptions(s: Sweep): PointOptions {
  const sp = s.spec;
  const pnr = sp.placeAndRoute as { device: string; clockMHz?: number; seed?: number } | undefined;
  return {
    target: sp.target,
    gemm: { m: sp.gemm.m, k: sp.gemm.k, n: sp.gemm.n },
    metrics: { samples: sp.metrics.samples, seed: sp.metrics.seed },
    ...(pnr ? { placeAndRoute: { device: pnr.device, clockMHz: pnr.clockMHz ?? 50, seed: pnr.seed ?? 1 } } : {}),
    ...(s.accuracy ? { accuracy: s.accuracy } : {}),
  };
}

function baseResult(p: GridPoint): PointResult {
  const c = p.config;
  let unit: string | null = null;
  if (c) {
    try {
      unit = derive(c).unit.describe(c.multiplier);
    } catch {
      unit = null;
    }
  }
  return {
    index: p.index,
    name: p.name,
    label: p.label,
    axes: p.axes,
    tokens: p.tokens,
    status: 'ok',
    configHash: c?.hash ?? null,
    unit,
    config: c ?? null,
  };
}

/** Runs the sweep and returns its results (points in grid order) and run statistics. */
export async function runSweep(sweep: Sweep, o: RunOptions = {}): Promise<{ results: SweepResults; stats: RunStats }> {
  const t0 = performance.now();
  const grid = expandGrid(sweep);
  // Before any tool runs: an empty grid, one of only invalid points, or a GEMM no point can run is
  // a mistake in the spec (exit 1).
  checkGrid(grid, sweep, sweep.source ?? sweep.spec.name);
  const mine = shardOf(grid.points, o.shard ?? null);
  const opts = pointOptions(sweep);
  const yosys = await tool('yosys');
  const nextpnr = opts.placeAndRoute ? (await tool('nextpnr-ice40')).version : null;
  const compute = o.compute ?? pointFigures;
  o.onStart?.(mine.length);
  const out: PointResult[] = new Array<PointResult>(mine.length);
  const stats: RunStats = { points: mine.length, cached: 0, computed: 0, failed: 0, invalid: 0, seconds: 0 };
  let next = 0;
  const worker = async () => {
    while (next < mine.length && !o.signal?.aborted) {
      const i = next++;
      const p = mine[i]!;
      const r = baseResult(p);
      const t = performance.now();
      let cachedHit = false;
      if (!p.config) {
        r.status = 'invalid';
        r.error = p.error ?? 'not a valid config';
        stats.invalid++;
      } else {
        try {
          const { figures, hit } = await compute(p.config, opts);
          Object.assign(r, figures);
          cachedHit = hit;
          if (hit) stats.cached++;
          else stats.computed++;
        } catch (e) {
          r.status = 'failed';
          r.error = (e as Error).message ?? String(e);
          stats.failed++;
        }
      }
      out[i] = r;
      o.onPoint?.(r, { cached: cachedHit, seconds: (performance.now() - t) / 1000 });
    }
  };
  const inFlight = Math.max(1, Math.min(mine.length, jobPool.size * 2));
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (o.signal?.aborted) throw new SweepInterrupted(stats);
  stats.seconds = (performance.now() - t0) / 1000;
  const s = sweep.spec;
  const results: SweepResults = {
    format: 'axgen-sweep-results-1',
    sweep: {
      name: s.name,
      description: s.description ?? '',
      hash: sweep.hash,
      base: sweep.baseSource,
      axes: Object.keys(s.axes),
      target: s.target,
      gemm: opts.gemm,
      metrics: opts.metrics,
      placeAndRoute: opts.placeAndRoute ?? null,
      // As written in the spec (paths relative to the sweep file), so results do not depend on where it ran.
      accuracy: s.accuracy ? { model: s.accuracy.model, dataset: s.accuracy.dataset, images: s.accuracy.images } : null,
      gridPoints: grid.total,
      droppedByFilters: grid.dropped,
      points: grid.points.length,
    },
    shard: o.shard ?? null,
    generatorVersion: GENERATOR_VERSION,
    tools: { yosys: yosys.version, nextpnr },
    points: out,
  };
  return { results, stats };
}

export class SweepInterrupted extends Error {
  constructor(readonly stats: RunStats) {
    super(
      `interrupted: ${stats.cached + stats.computed} finished points are cached; run the same command again to resume`,
    );
    this.name = 'SweepInterrupted';
  }
}
