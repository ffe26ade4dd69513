/**
 * A point's throughput figure (sweep/point.ts throughputOf) counts the reference GEMM's cycles
 * from runs of identical commands (cycles.ts streamTotal) instead of building the host schedule's
 * beats and golden results: equal to schedule()'s totalCycles on edge shapes of both dataflows,
 * and a schema-valid 4096×64×4096 GEMM on a 2×2 array (which ran out of Node's heap through
 * schedule()) takes well under a second.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { streamCycles, streamTotal, type StreamCommand } from '../../generator/config/cycles.js';
import { schedule, shapeOf } from '../../generator/model/schedule.js';
import { gemmRuns, throughputOf } from '../../generator/sweep/point.js';

function config(
  dataflow: string,
  rows: number,
  cols: number,
  accDepth: number,
  extra: Record<string, unknown> = {},
): ReturnType<typeof resolveConfig> {
  return resolveConfig(
    {
      name: 'thr',
      array: { rows, cols, maxK: 64, accDepth },
      dataflow,
      precision: { activation: { bits: 4, signed: false }, weight: { bits: 4, signed: false } },
      multiplier: { kind: 'exact' },
      ...extra,
    },
    'test',
  );
}

const zeros = (r: number, k: number) => Array.from({ length: r }, () => new Array<number>(k).fill(0));

describe('throughputOf', () => {
  const shapes: [string, number, number, number][] = [
    ['weight-stationary', 1, 1, 1],
    ['weight-stationary', 2, 2, 3],
    ['weight-stationary', 3, 2, 7],
    ['weight-stationary', 4, 5, 16],
    ['output-stationary', 1, 1, 1],
    ['output-stationary', 3, 2, 4],
    ['output-stationary', 2, 5, 4],
  ];
  // M and N that divide the command size, do not, and are smaller than it; K of one, partial and several folds.
  const gemms = [
    { m: 1, k: 1, n: 1 },
    { m: 7, k: 5, n: 3 },
    { m: 16, k: 12, n: 10 },
    { m: 23, k: 64, n: 9 },
  ];
  it.each(shapes)('%s %ix%i (accDepth %i): cycles and commands equal the host schedule', (df, r, c, depth) => {
    const cfg = config(df, r, c, depth);
    const d = derive(cfg);
    for (const g of gemms) {
      const s = schedule(cfg, d, zeros(g.m, g.k), zeros(g.k, g.n));
      const t = throughputOf(cfg, g);
      expect(t.cycles, `${g.m}x${g.k}x${g.n}`).toBe(s.totalCycles);
      expect(t.commands, `${g.m}x${g.k}x${g.n}`).toBe(s.commands.length);
      expect(t.macsPerCycle).toBeCloseTo((g.m * g.k * g.n) / s.totalCycles, 12);
    }
  });

  it('equals the host schedule with pipeline stages, an output stage and a packed (binary) unit', () => {
    const cases = [
      config('weight-stationary', 3, 2, 5, { pipeline: { multiplier: 1, macc: 1, edge: 1 } }),
      config('weight-stationary', 2, 3, 4, { outputStage: { bits: 4, signed: false } }),
      resolveConfig(
        {
          name: 'bin',
          array: { rows: 2, cols: 2, maxK: 64, accDepth: 4 },
          precision: { activation: { bits: 8, signed: false }, weight: { bits: 12, signed: false } },
          multiplier: { kind: 'binary' },
        },
        'test',
      ),
    ];
    for (const cfg of cases) {
      const d = derive(cfg);
      for (const g of gemms) {
        const s = schedule(cfg, d, zeros(g.m, g.k), zeros(g.k, g.n));
        expect(throughputOf(cfg, g).cycles, `${cfg.multiplier.kind} ${g.m}x${g.k}x${g.n}`).toBe(s.totalCycles);
      }
    }
  });

  it('counts a 4096×64×4096 GEMM on a 2×2 array in well under a second, equal to the explicit stream', () => {
    const cfg = config('weight-stationary', 2, 2, 64);
    const g = { m: 4096, k: 64, n: 4096 };
    const t0 = performance.now();
    const t = throughputOf(cfg, g);
    expect(performance.now() - t0).toBeLessThan(1000);
    // The explicit list of the schedule's commands (4096/64 M blocks × 2048 column tiles).
    const cmds: StreamCommand[] = Array.from({ length: 64 * 2048 }, () => ({ m: 64, k: 64 }));
    expect(t.commands).toBe(cmds.length);
    expect(t.cycles).toBe(streamCycles(shapeOf(cfg, derive(cfg)), cmds).total);
    // 32 folds of 64 beats per command, back to back, plus one fill and drain.
    expect(t.cycles).toBe(64 * 2048 * 32 * 64 + 2 + 2 + 1);
    expect(t.utilisation).toBeCloseTo(1, 4);
  });

  it('gives no cycles when K is above array.maxK', () => {
    expect(throughputOf(config('weight-stationary', 2, 2, 4), { m: 4, k: 65, n: 4 })).toMatchObject({
      cycles: null,
      commands: null,
      macsPerCycle: null,
    });
  });
});

describe('streamTotal (the lean count)', () => {
  it('equals streamCycles(...).total on the expanded runs, both dataflows, every shape up to 4×4', () => {
    for (const dataflow of ['weight-stationary', 'output-stationary'] as const)
      for (let rows = 1; rows <= 4; rows++)
        for (let cols = 1; cols <= 4; cols += 3)
          for (const peStages of [0, 2]) {
            const shape = { rows, cols, dataflow, peStages, edgeStages: 1 + (rows % 2) };
            for (const runs of [
              [{ m: 1, k: 1, count: 50 }],
              [
                { m: 5, k: 9, count: 37 },
                { m: 2, k: 9, count: 5 },
              ],
              [
                { m: 1, k: 13, count: 3 },
                { m: 9, k: 2, count: 0 },
                { m: 9, k: 2, count: 61 },
              ],
            ]) {
              const flat = runs.flatMap((r) => Array.from({ length: r.count }, () => ({ m: r.m, k: r.k })));
              expect(streamTotal(shape, runs), JSON.stringify({ shape, runs })).toBe(streamCycles(shape, flat).total);
            }
          }
  });

  it('gemmRuns lists the full M blocks, then the shorter one, each as one command per column tile', () => {
    const cfg = config('weight-stationary', 2, 3, 8);
    expect(gemmRuns(cfg, 3, { m: 20, k: 5, n: 7 })).toEqual([
      { m: 8, k: 5, count: 6 },
      { m: 4, k: 5, count: 3 },
    ]);
    expect(gemmRuns(cfg, 3, { m: 16, k: 5, n: 3 })).toEqual([{ m: 8, k: 5, count: 2 }]);
  });

  it('refuses a negative or fractional count', () => {
    const shape = { rows: 2, cols: 2, dataflow: 'weight-stationary' as const };
    expect(() => streamTotal(shape, [{ m: 1, k: 1, count: -1 }])).toThrow(RangeError);
    expect(() => streamTotal(shape, [{ m: 1, k: 1, count: 1.5 }])).toThrow(/non-negative integer, received 1.5/);
  });
});
