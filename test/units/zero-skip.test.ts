/**
 * Zero-skip: the predicate and the model's skip counts, the config field, the emitted RTL (lint in
 * the three tools, unchanged without zeroSkip), and GEMM co-simulation with thresholds 0 and > 0,
 * both gatings, both dataflows, 50 % and 90 % zeros, element by element and counter-exact.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { gemmModel, mapWeights } from '../../generator/model/gemm.js';
import { schedule } from '../../generator/model/schedule.js';
import { describeZeroSkip, skipPredicate, zeroSkip } from '../../generator/units/zero-skip.js';
import { cosim } from '../../sim/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { randomMatrix, rng } from '../../sim/stimulus.js';
import { written, type Shape } from '../helpers/configs.js';

type ZS = Record<string, unknown>;
const cfg = (s: Shape & { zeroSkip?: ZS }): ResolvedConfig => {
  const w = written(s);
  if (s.zeroSkip) w.zeroSkip = s.zeroSkip;
  return resolveConfig(w, 'test');
};

function problemOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('zero-skip model', () => {
  it('skips on the true magnitude, per side, whatever the sign', () => {
    const s = skipPredicate({ activation: 2, weight: false })!;
    expect([-3, -2, -1, 0, 1, 2, 3].map((a) => s(a, 100))).toEqual([false, true, true, true, true, true, false]);
    expect(s(5, 0)).toBe(false); // weight side off
    const t = skipPredicate({ activation: false, weight: 128 })!;
    expect(t(1, -128)).toBe(true); // |-128| = 128
    expect(t(0, 129)).toBe(false);
    expect(skipPredicate(undefined)).toBeNull();
    expect(describeZeroSkip({ activation: 0, weight: false, gating: 'enable' })).toBe(
      'zeroSkip(activation<=0, weight off, enable)',
    );
  });

  it('thresholds 0 change no result (exact and ASM), and skipped products count exactly, padding excluded', () => {
    for (const multiplier of [{ kind: 'exact' }, { kind: 'asm', alphabet: [1, 3] }]) {
      const base = cfg({ rows: 3, cols: 4, multiplier });
      const zs = cfg({ rows: 3, cols: 4, multiplier, zeroSkip: { activation: 0, weight: 0 } });
      const next = rng(77);
      const A = randomMatrix(7, 8, zs.precision.activation, next, 0.5);
      const W = randomMatrix(8, 6, zs.precision.weight, next, 0.5);
      const d0 = derive(base);
      const d1 = derive(zs);
      expect(gemmModel(zs, d1, A, mapWeights(zs, d1, W))).toEqual(gemmModel(base, d0, A, mapWeights(base, d0, W)));
      const s = schedule(zs, d1, A, W);
      const Wm = mapWeights(zs, d1, W);
      let expected = 0;
      for (let m = 0; m < 7; m++)
        for (let n = 0; n < 6; n++) for (let k = 0; k < 8; k++) if (A[m]![k] === 0 || Wm[k]![n] === 0) expected++;
      expect(s.commands.reduce((x, c) => x + c.skipped, 0)).toBe(expected);
      expect(expected).toBeGreaterThan(0);
    }
  });

  it('error metrics: thresholds 0 change nothing; a threshold above 0 makes every small product 0', () => {
    const plain = errorMetrics(
      cfg({ rows: 1, cols: 1, aBits: 6, wBits: 6, multiplier: { kind: 'asm', alphabet: [1, 3] } }),
    );
    const zero = errorMetrics(
      cfg({
        rows: 1,
        cols: 1,
        aBits: 6,
        wBits: 6,
        multiplier: { kind: 'asm', alphabet: [1, 3] },
        zeroSkip: { activation: 0, weight: 0 },
      }),
    );
    expect({ ...zero, unit: '' }).toEqual({ ...plain, unit: '' });
    const near = errorMetrics(cfg({ rows: 1, cols: 1, aBits: 6, wBits: 6, zeroSkip: { activation: 1 } }));
    // Exact unit, skip |a| <= 1: the error is -a·w on a = ±1, worst |w| = 32.
    expect(near.wce).toBe(32);
    expect(near.epPct).toBeCloseTo((100 * 2 * 63) / 4096, 6);
  });

  it('a threshold above 0 zeroes the skipped products in the model', () => {
    const c = cfg({ rows: 2, cols: 2, zeroSkip: { activation: 3 } });
    const d = derive(c);
    expect(gemmModel(c, d, [[3, -4]], [[10], [10]])).toEqual([[-40n]]);
  });
});

describe('zero-skip config', () => {
  it('defaults: a side left out is off, gating isolate; the DSL builds the same object', () => {
    const c = cfg({ rows: 2, cols: 2, zeroSkip: { weight: 1 } });
    expect(c.zeroSkip).toEqual({ activation: false, weight: 1, gating: 'isolate' });
    expect(zeroSkip({ weight: 1 })).toEqual({ weight: 1 });
    expect(cfg({ rows: 2, cols: 2 }).zeroSkip).toBeUndefined();
  });

  it.each([
    ['negative threshold', { activation: -1 }, /zeroSkip\.activation/],
    ['true is not a threshold', { weight: true }, /zeroSkip\.weight/],
    ['unknown gating', { activation: 0, gating: 'clock' }, /zeroSkip\.gating/],
    ['unknown key', { activation: 0, act: 1 }, /zeroSkip/],
    ['both sides off', { activation: false }, /zeroSkip.*at least one side/s],
    ['above the largest signed magnitude', { activation: 129 }, /zeroSkip\.activation.*at most 128/s],
  ])('rejects %s', (_l, z, msg) => {
    expect(problemOf(() => cfg({ rows: 2, cols: 2, zeroSkip: z }))).toMatch(msg);
  });

  it('an unsigned operand allows thresholds up to 2^n - 1', () => {
    expect(cfg({ rows: 2, cols: 2, aSigned: false, zeroSkip: { activation: 255 } }).zeroSkip!.activation).toBe(255);
    expect(problemOf(() => cfg({ rows: 2, cols: 2, aSigned: false, zeroSkip: { activation: 256 } }))).toMatch(
      /at most 255/,
    );
  });
});

describe('zero-skip RTL', () => {
  it('without zeroSkip no skip logic is emitted; with it, the header names it', () => {
    const plain = emitRtl(cfg({ rows: 2, cols: 3 }));
    expect(plain.map((f) => f.text).join('')).not.toMatch(/skip_act|skip_part|mul_a/);
    const zs = emitRtl(cfg({ rows: 2, cols: 3, zeroSkip: { activation: 0 } }));
    expect(zs.find((f) => f.module === 't_top')!.text).toMatch(
      /unit: exact, zeroSkip\(activation<=0, weight off, isolate\)/,
    );
    // The counter's description says what it counts, not "always 0".
    expect(zs.find((f) => f.module === 't_top')!.text).toMatch(
      /cnt_skipped_o = real products skipped by zero-skip units \(zeroSkip\(activation<=0, weight off, isolate\): a product/,
    );
    expect(plain.find((f) => f.module === 't_top')!.text).toMatch(/no zero-skip configured: always 0/);
    expect(zs.map((f) => f.module)).toEqual(expect.arrayContaining(['t_skip_act', 't_skip_wgt']));
    // isolate: hold registers feed the multiplier while skipping; enable: the inputs pass straight through.
    const pe = (gating: string, dataflow: 'weight-stationary' | 'output-stationary') =>
      emitRtl(cfg({ rows: 2, cols: 3, dataflow, zeroSkip: { activation: 0, gating } })).find(
        (f) => f.module === 't_pe',
      )!.text;
    for (const df of ['weight-stationary', 'output-stationary'] as const) {
      expect(pe('isolate', df)).toMatch(/assign mul_a = skip \? a_hold_q : a_i\[7:0\];/);
      expect(pe('enable', df)).not.toMatch(/a_hold_q/);
      expect(pe('enable', df)).toMatch(/assign mul_a = a_i\[7:0\];/);
    }
  });

  const lintCases: (Shape & { zeroSkip: ZS })[] = [
    { rows: 3, cols: 4, dataflow: 'weight-stationary', zeroSkip: { activation: 0, weight: 0 } },
    {
      rows: 1,
      cols: 1,
      dataflow: 'weight-stationary',
      aSigned: false,
      zeroSkip: { activation: 3, gating: 'enable' },
      accDepth: 1,
    },
    {
      rows: 4,
      cols: 2,
      dataflow: 'output-stationary',
      zeroSkip: { weight: 128, gating: 'enable' },
      multiplier: { kind: 'asm', alphabet: [1, 3] },
    },
    {
      rows: 2,
      cols: 5,
      dataflow: 'output-stationary',
      wSigned: false,
      zeroSkip: { activation: 2, weight: 0 },
      multiplier: { kind: 'asm', share: false },
    },
    { rows: 1, cols: 3, dataflow: 'output-stationary', zeroSkip: { activation: 0 } },
  ];
  it.concurrent.each(
    lintCases.map((c, i) => [`${c.rows}x${c.cols} ${c.dataflow} ${JSON.stringify(c.zeroSkip)}`, c, i] as const),
  )('every emitted file is lint-clean in the three tools: %s', async (_l, cs, i) => {
    const c = cfg({ ...cs, name: `zs_lint${i}` });
    expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
  });
});

interface SimCase extends Shape {
  zeroSkip: ZS;
  gemm: [number, number, number];
  zeros: number;
  stall: number;
}

/** The Icarus spread: thresholds 0 and > 0, both gatings, both dataflows, 50 % and 90 % zeros. */
const simCases: SimCase[] = [
  {
    rows: 3,
    cols: 4,
    dataflow: 'weight-stationary',
    zeroSkip: { activation: 0, weight: 0 },
    gemm: [9, 10, 7],
    zeros: 0.5,
    stall: 0,
  },
  {
    rows: 3,
    cols: 4,
    dataflow: 'weight-stationary',
    zeroSkip: { activation: 2, weight: 5, gating: 'enable' },
    gemm: [6, 8, 7],
    zeros: 0.9,
    stall: 40,
  },
  {
    rows: 4,
    cols: 3,
    dataflow: 'weight-stationary',
    aSigned: false,
    wSigned: false,
    zeroSkip: { weight: 3 },
    multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7] },
    gemm: [5, 9, 5],
    zeros: 0.5,
    stall: 20,
  },
  {
    rows: 2,
    cols: 2,
    dataflow: 'weight-stationary',
    zeroSkip: { activation: 128, gating: 'enable' },
    gemm: [3, 5, 3],
    zeros: 0.5,
    stall: 0,
  },
  {
    rows: 3,
    cols: 4,
    dataflow: 'output-stationary',
    zeroSkip: { activation: 0, weight: 0, gating: 'enable' },
    gemm: [3, 11, 3],
    zeros: 0.9,
    stall: 0,
  },
  {
    rows: 3,
    cols: 4,
    dataflow: 'output-stationary',
    zeroSkip: { activation: 4, weight: 1 },
    gemm: [7, 9, 9],
    zeros: 0.5,
    stall: 60,
  },
  {
    rows: 2,
    cols: 3,
    dataflow: 'output-stationary',
    wSigned: false,
    zeroSkip: { activation: 1, weight: 16, gating: 'enable' },
    multiplier: { kind: 'asm', alphabet: [1], share: false },
    gemm: [2, 8, 5],
    zeros: 0.9,
    stall: 30,
  },
  { rows: 1, cols: 1, dataflow: 'output-stationary', zeroSkip: { weight: 0 }, gemm: [1, 6, 1], zeros: 0.5, stall: 0 },
  // Other unit kinds: the flags ride above any unit's encoded operands.
  {
    rows: 3,
    cols: 3,
    dataflow: 'weight-stationary',
    zeroSkip: { activation: 3, weight: 0 },
    multiplier: { kind: 'mitchell', fractionBits: 4 },
    gemm: [5, 7, 4],
    zeros: 0.5,
    stall: 10,
  },
  {
    rows: 2,
    cols: 3,
    dataflow: 'output-stationary',
    zeroSkip: { activation: 0, weight: 2, gating: 'enable' },
    multiplier: { kind: 'ilm', corrections: 1 },
    gemm: [2, 7, 3],
    zeros: 0.5,
    stall: 0,
  },
];

async function runCase(cs: SimCase, i: number, simulator: 'icarus' | 'verilator') {
  const c = cfg({ ...cs, name: `zs_${simulator.slice(0, 3)}${i}` });
  const next = rng(9000 + i);
  const [M, K, N] = cs.gemm;
  const A = randomMatrix(M, K, c.precision.activation, next, cs.zeros);
  const W = randomMatrix(K, N, c.precision.weight, next, cs.zeros);
  const s = schedule(c, derive(c), A, W);
  const r = await cosim(c, { simulator, A, W, seed: i + 3, stall: cs.stall });
  return {
    r,
    skipped: s.commands.reduce((x, k) => x + k.skipped, 0),
    macs: s.commands.reduce((x, k) => x + k.macs, 0),
  };
}

describe('zero-skip GEMM co-simulation', () => {
  it.concurrent.each(
    simCases.map(
      (c, i) =>
        [`${c.rows}x${c.cols} ${c.dataflow} ${JSON.stringify(c.zeroSkip)} ${c.zeros * 100}% zeros`, c, i] as const,
    ),
  )('Icarus: %s', async (_l, cs, i) => {
    const { r, skipped, macs } = await runCase(cs, i, 'icarus');
    expect(r.problems).toEqual([]);
    expect(r.mismatches.slice(0, 3)).toEqual([]);
    expect(r.counters).toEqual([]);
    expect(r.passed).toBe(true);
    expect(skipped).toBeGreaterThan(0); // the counter was exercised
    expect(skipped).toBeLessThanOrEqual(macs);
  });

  it.concurrent.each(
    [1, 5].map((i) => [`${simCases[i]!.dataflow} ${JSON.stringify(simCases[i]!.zeroSkip)}`, simCases[i]!, i] as const),
  )('Verilator: %s', async (_l, cs, i) => {
    const { r } = await runCase(cs, i, 'verilator');
    expect(r.problems).toEqual([]);
    expect(r.mismatches.slice(0, 3)).toEqual([]);
    expect(r.counters).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('faults are caught: a PE that ignores the skip flag, and a counter that misses a row', async () => {
    const cs: SimCase = {
      rows: 3,
      cols: 4,
      dataflow: 'weight-stationary',
      zeroSkip: { activation: 60, weight: 0, gating: 'enable' },
      gemm: [6, 8, 7],
      zeros: 0.5,
      stall: 0,
    };
    const c = cfg({ ...cs, name: 'zs_fault' });
    const next = rng(9001);
    const [M, K, N] = cs.gemm;
    const A = randomMatrix(M, K, c.precision.activation, next, cs.zeros);
    const W = randomMatrix(K, N, c.precision.weight, next, cs.zeros);
    const good = emitRtl(c);
    const pe = good.map((f) =>
      f.module === 'zs_fault_pe'
        ? { ...f, text: f.text.replace(/ps_keep( *)= skip \? ps_i : ps_d/, 'ps_keep$1= ps_d') }
        : f,
    );
    expect(pe.some((f) => /ps_keep *= ps_d;/.test(f.text))).toBe(true);
    const r1 = await cosim(c, { simulator: 'icarus', A, W, rtl: pe });
    expect(r1.passed).toBe(false);
    expect(r1.mismatches.length).toBeGreaterThan(0);
    const top = good.map((f) =>
      f.module === 'zs_fault_top'
        ? {
            ...f,
            // The last row's skipped products never join the count that runs down the rows.
            text: f.text.replace(
              'sk_q <= sk_link[r] + sk_term;',
              'sk_q <= (r == ROWS - 1) ? sk_link[r] : sk_link[r] + sk_term;',
            ),
          }
        : f,
    );
    expect(top.some((f) => f.text.includes('(r == ROWS - 1) ? sk_link[r]'))).toBe(true);
    const r2 = await cosim(c, { simulator: 'icarus', A, W, rtl: top });
    expect(r2.mismatches).toEqual([]);
    expect(r2.counters.map((x) => x.name)).toContain('skipped');
  });
});
