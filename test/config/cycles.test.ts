/**
 * The cycle model (generator/config/cycles.ts) against the RTL's counters: for edge shapes and both
 * dataflows, every command of a sweep of M and K (one fold, a partial fold, several folds) must end
 * with cnt_cycles_o equal to the model, with and without stalls (stall cycles are not counted).
 * The checker compares the counters per command; this test also pins the relation to SCALE-Sim.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { commandCycles, scaleSimCycles } from '../../generator/config/cycles.js';
import { commandM, scheduleCases, type GemmCase } from '../../sim/cases.js';
import { cosim } from '../../sim/cosim.js';
import { randomMatrix, rng } from '../../sim/stimulus.js';

const shapes: [string, number, number][] = [
  ['weight-stationary', 1, 1],
  ['weight-stationary', 3, 2],
  ['weight-stationary', 2, 4],
  ['output-stationary', 1, 1],
  ['output-stationary', 3, 2],
  ['output-stationary', 2, 4],
];

describe('cycle model equals the RTL counters', () => {
  it.each(shapes)('%s %ix%i', async (dataflow, rows, cols) => {
    const c = resolveConfig(
      {
        name: `cyc_${dataflow === 'weight-stationary' ? 'ws' : 'os'}_${rows}x${cols}`,
        array: { rows, cols, maxK: 16, accDepth: 6 },
        dataflow,
        precision: { activation: { bits: 4, signed: true }, weight: { bits: 4, signed: false } },
        multiplier: { kind: 'exact' },
      },
      'test',
    );
    const d = derive(c);
    const next = rng(rows * 10 + cols);
    const Ms = [...new Set([1, Math.max(1, rows - 1), rows, commandM(c)])];
    const Ks = [...new Set([1, Math.max(1, rows - 1), rows, rows + 1, 3 * rows, 16])];
    const cases: GemmCase[] = Ms.flatMap((m) =>
      Ks.map((k) => ({ name: `${m}x${k}x${cols}`, A: randomMatrix(m, k, d.ctx.activation, next), W: randomMatrix(k, cols, d.ctx.weight, next) })),
    );
    const ms = scheduleCases(c, d, cases);
    // One command per case (each fits the array): the expected counter is the formula.
    expect(ms.all.commands.map((x) => x.cycles)).toEqual(cases.map((x) => commandCycles({ rows, cols, dataflow: c.dataflow }, x.A.length, x.W.length)));
    for (const stall of [0, 160]) {
      const r = await cosim(c, { simulator: 'icarus', cases, seed: 9, stall });
      expect(r.counters, `stall ${stall}`).toEqual([]);
      expect(r.passed, r.problems.join('\n')).toBe(true);
      expect(r.commands).toBe(cases.length);
    }
  });
});

describe('relation to SCALE-Sim (per command, no stalls)', () => {
  it('weight-stationary: the shadow weights save (F-1)(R-1) - 1 cycles over F(2R + C + M - 2)', () => {
    for (const [R, C, M, K] of [[4, 4, 16, 4], [4, 4, 16, 16], [8, 8, 64, 1024], [16, 16, 64, 64]] as const) {
      const s = { rows: R, cols: C, dataflow: 'weight-stationary' as const };
      const F = Math.ceil(K / R);
      expect(scaleSimCycles(s, M, K) - commandCycles(s, M, K)).toBe((F - 1) * (R - 1) - 1);
    }
  });
  it('output-stationary: SCALE-Sim\'s R + C + K - 2 plus the M cycles that shift the results out', () => {
    const s = { rows: 8, cols: 8, dataflow: 'output-stationary' as const };
    expect(commandCycles(s, 8, 100) - scaleSimCycles(s, 8, 100)).toBe(8);
  });
});
