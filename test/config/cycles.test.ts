/**
 * The cycle model (generator/config/cycles.ts) against the RTL's counters: for edge shapes and both
 * dataflows, every command of a sweep of M and K (one fold, a partial fold, several folds), sent
 * back to back, must end with cnt_cycles_o equal to the model, and the run with tot_cycles_o equal
 * to the model's total, with and without stalls (stall cycles are not counted). The checker
 * compares the counters at each command's done_o pulse; this test also pins the relation to
 * SCALE-Sim and the overlap of folds and commands.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { commandCycles, scaleSimCycles, streamCycles } from '../../generator/config/cycles.js';
import { commandM, refusedCases, scheduleCases, type GemmCase } from '../../sim/cases.js';
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

function small(dataflow: string, rows: number, cols: number, accDepth = 6) {
  return resolveConfig(
    {
      name: `cyc_${dataflow === 'weight-stationary' ? 'ws' : 'os'}_${rows}x${cols}`,
      array: { rows, cols, maxK: 16, accDepth },
      dataflow,
      precision: { activation: { bits: 4, signed: true }, weight: { bits: 4, signed: false } },
      multiplier: { kind: 'exact' },
    },
    'test',
  );
}

describe('cycle model equals the RTL counters', () => {
  it.each(shapes)('%s %ix%i', async (dataflow, rows, cols) => {
    const c = small(dataflow, rows, cols);
    const d = derive(c);
    const next = rng(rows * 10 + cols);
    const Ms = [...new Set([1, Math.max(1, rows - 1), rows, commandM(c)])];
    const Ks = [...new Set([1, Math.max(1, rows - 1), rows, rows + 1, 3 * rows, 16])];
    const cases: GemmCase[] = Ms.flatMap((m) =>
      Ks.map((k) => ({
        name: `${m}x${k}x${cols}`,
        A: randomMatrix(m, k, d.ctx.activation, next),
        W: randomMatrix(k, cols, d.ctx.weight, next),
      })),
    );
    const ms = scheduleCases(c, d, cases);
    const shape = { rows, cols, dataflow: c.dataflow };
    // One command per case (each fits the array): alone, the formula; back to back, the stream model.
    expect(ms.all.commands.map((x) => x.alone)).toEqual(cases.map((x) => commandCycles(shape, x.A.length, x.W.length)));
    const stream = streamCycles(
      shape,
      cases.map((x) => ({ m: x.A.length, k: x.W.length })),
    );
    expect(ms.all.commands.map((x) => x.cycles)).toEqual(stream.perCommand);
    expect(ms.all.totalCycles).toBe(stream.total);
    for (const stall of [0, 160]) {
      const r = await cosim(c, { simulator: 'icarus', cases, seed: 9, stall });
      expect(r.counters, `stall ${stall}`).toEqual([]);
      expect(r.passed, r.problems.join('\n')).toBe(true);
      expect(r.commands).toBe(cases.length);
    }
  });
});

describe('relation to SCALE-Sim (per command, no stalls)', () => {
  it('weight-stationary: F·M + R + C + 1 against F(2R + C + M - 2) once M >= max(R + 1, C)', () => {
    for (const [R, C, M, K] of [
      [4, 4, 16, 4],
      [4, 4, 16, 16],
      [8, 8, 64, 1024],
      [16, 16, 64, 64],
      [32, 32, 64, 128],
    ] as const) {
      const s = { rows: R, cols: C, dataflow: 'weight-stationary' as const };
      const F = Math.ceil(K / R);
      expect(commandCycles(s, M, K)).toBe(F * M + R + C + 1);
      expect(commandCycles(s, M, K)).toBeLessThanOrEqual(scaleSimCycles(s, M, K));
    }
  });
  it("output-stationary: alone, SCALE-Sim's R + C + K - 2 plus the registered edge and the M drain cycles", () => {
    const s = { rows: 8, cols: 8, dataflow: 'output-stationary' as const };
    expect(commandCycles(s, 8, 100) - scaleSimCycles(s, 8, 100)).toBe(1 + 8);
  });
  it('output-stationary: back to back, a tile costs K + 1 cycles when K >= R + C + M - 2', () => {
    const s = { rows: 4, cols: 4, dataflow: 'output-stationary' as const };
    const one = streamCycles(s, [{ m: 4, k: 16 }]).total;
    const two = streamCycles(s, [
      { m: 4, k: 16 },
      { m: 4, k: 16 },
    ]).total;
    expect(two - one).toBe(16 + 1);
    // A short K waits for the previous drain: R + C - 1 + M after the previous last beat.
    const short = streamCycles(s, [
      { m: 4, k: 16 },
      { m: 4, k: 2 },
    ]).total;
    expect(short - one).toBe(4 + 4 - 1 + 4);
  });
});

describe('overlap (weight-stationary model)', () => {
  const s = { rows: 4, cols: 4, dataflow: 'weight-stationary' as const };
  it('a command after another overlaps its drain: the stream takes fewer cycles than the commands alone', () => {
    const t = streamCycles(s, [
      { m: 16, k: 16 },
      { m: 16, k: 16 },
    ]);
    const alone = commandCycles(s, 16, 16);
    expect(t.total).toBeLessThan(2 * alone);
    // The second command is accepted once the first one's weights are loaded, and its folds follow
    // the first one's without a gap: 2·F·M beats plus one fill and drain.
    expect(t.total).toBe(2 * 4 * 16 + 4 + 4 + 1);
  });
  it('folds that accumulate start R + 1 cycles apart when M is smaller than that', () => {
    // M = 1, K = 3R: three folds, each waiting for the previous fold's buffer write.
    const one = commandCycles(s, 1, 12);
    const spaced = commandCycles(s, 5, 12);
    expect(spaced - one).toBe(4);
  });
  it('a refused command waits until every earlier command has finished and takes 0 cycles', () => {
    const t = streamCycles(s, [
      { m: 16, k: 16 },
      { m: 1, k: 0, refused: true },
      { m: 16, k: 16 },
    ]);
    expect(t.perCommand[1]).toBe(0);
    expect(t.accepted[1]).toBe(t.finished[0]! + 1);
    expect(t.perCommand[2]).toBe(commandCycles(s, 16, 16));
  });
});

/**
 * Issue 11: with no stall the checker measures the cycles busy_o is high over the run and compares
 * them with tot_cycles_o and the model's total; a cycle expectation made one too small shows the
 * measured values in the report.
 */
describe('busy cycles equal the cycle counters when nothing stalls', () => {
  it.each([
    [4, 4, 16, 16, 8, 4, 2 * 16 + 4 + 4 + 1],
    [8, 8, 64, 64, 8, 8, 64 + 8 + 8 + 1],
  ])(
    'weight-stationary %ix%i (accDepth %i), GEMM %ix%ix%i: %i cycles',
    async (rows, cols, accDepth, m, k, n, expected) => {
      const c = resolveConfig(
        {
          name: `busy_ws_${rows}x${cols}`,
          array: { rows, cols, maxK: 64, accDepth },
          precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
          multiplier: { kind: 'exact' },
        },
        'test',
      );
      const d = derive(c);
      const next = rng(rows);
      const cases: GemmCase[] = [
        {
          name: `${m}x${k}x${n}`,
          A: randomMatrix(m, k, d.ctx.activation, next),
          W: randomMatrix(k, n, d.ctx.weight, next),
        },
      ];
      expect(commandCycles({ rows, cols, dataflow: c.dataflow }, m, k)).toBe(expected);
      const ok = await cosim(c, { simulator: 'icarus', cases, seed: 3, stall: 0 });
      expect(ok.passed, JSON.stringify({ problems: ok.problems, counters: ok.counters })).toBe(true);
      // Expect one cycle fewer, per command and in total: the checker then reports what it measured.
      const tamper = (f: Record<string, string>) => {
        const [count, line, total] = f['cnt.hex']!.split('\n');
        const [beats, cyc, ...rest] = line!.split(' ');
        const [tot, totMacs] = total!.split(' ');
        const less = (h: string) => (parseInt(h, 16) - 1).toString(16);
        return {
          ...f,
          'cnt.hex': `${count}\n${[beats, less(cyc!), ...rest].join(' ')}\n${less(tot!)} ${totMacs}\n`,
        };
      };
      const off = await cosim(c, { simulator: 'icarus', cases, seed: 3, stall: 0, tamper });
      expect(off.counters.map((x) => [x.name, x.actual]).sort()).toEqual([
        ['busy', String(expected)],
        ['cycles', String(expected)],
        ['total_cycles', String(expected)],
      ]);
    },
  );
});

/**
 * Back to back in the RTL (Verilator, one build per dataflow): a long command then a short one,
 * folds with M smaller than the array's rows (the accumulator-buffer spacing), output-stationary
 * tiles whose K is too short to hide the previous drain, a refused command between them, with and
 * without stalls; the checker compares every command's counters and the totals.
 */
/**
 * Schedules `shapes` (name, M, K, N; random operands with zeros from `seed`) with refused case
 * number `refused` inserted at `refusedAt`, expects the overlap to save cycles, and co-simulates the
 * run in Verilator (stimulus seed `simSeed`) without and with stalls: every command's counters,
 * every element.
 */
async function backToBack(
  c: ResolvedConfig,
  seed: number,
  shapes: [string, number, number, number][],
  refused: number,
  refusedAt: number,
  simSeed: number,
): Promise<void> {
  const d = derive(c);
  const next = rng(seed);
  const cases: GemmCase[] = shapes.map(([name, m, k, n]) => ({
    name,
    A: randomMatrix(m, k, d.ctx.activation, next, 0.3),
    W: randomMatrix(k, n, d.ctx.weight, next, 0.3),
  }));
  cases.splice(refusedAt, 0, refusedCases(c, d)[refused]!);
  const ms = scheduleCases(c, d, cases);
  // Overlap: the run takes fewer cycles than its commands alone.
  const alone = ms.all.commands.reduce((n, x) => n + x.alone, 0);
  expect(ms.all.totalCycles).toBeLessThan(alone);
  for (const stall of [0, 100]) {
    const r = await cosim(c, { simulator: 'verilator', scheduled: ms, seed: simSeed, stall });
    expect(r.counters, `stall ${stall}`).toEqual([]);
    expect(r.mismatches, `stall ${stall}`).toEqual([]);
    expect(r.passed, r.problems.join('\n')).toBe(true);
  }
}

describe('commands and folds back to back in the RTL', () => {
  it('weight-stationary 4x3: long, short, M < R, refused, in Verilator', async () => {
    const c = resolveConfig(
      {
        name: 'b2b_ws',
        array: { rows: 4, cols: 3, maxK: 32, accDepth: 16 },
        precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
        multiplier: { kind: 'exact' },
        zeroSkip: { activation: 0 },
      },
      'test',
    );
    const shapes: [string, number, number, number][] = [
      ['long', 16, 32, 3],
      ['short after long', 2, 3, 3],
      ['M < R, three folds', 2, 12, 2],
      ['one row', 1, 5, 3],
      ['long again', 16, 17, 3],
    ];
    await backToBack(c, 11, shapes, 0, 3, 5);
  }, 300_000);

  it('output-stationary 3x4: long K, short K (waits for the drain), refused, in Verilator', async () => {
    const c = resolveConfig(
      {
        name: 'b2b_os',
        array: { rows: 3, cols: 4, maxK: 32 },
        dataflow: 'output-stationary',
        precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
        multiplier: { kind: 'exact' },
        zeroSkip: { weight: 0 },
      },
      'test',
    );
    const shapes: [string, number, number, number][] = [
      ['long', 3, 32, 4],
      ['short after long', 3, 1, 4],
      ['short again', 2, 2, 3],
      ['one row', 1, 7, 4],
      ['several tiles', 7, 20, 9],
    ];
    await backToBack(c, 12, shapes, 2, 3, 6);
  }, 300_000);
});
