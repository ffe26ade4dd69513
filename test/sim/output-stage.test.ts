/**
 * The requantizing output stage through the generated RTL: every registered unit kind on both
 * dataflows in Icarus (int8 and uint8 outputs alternating, signed and unsigned operands, wrap and
 * saturate), and two configs in Verilator (one build each; the Mitchell one is
 * examples/mitchell-net-stage.json, whose build the inference test shares). Every run uses the co-simulation's own
 * cases: a random GEMM and the directed tiles with random stage parameters, plus the stage corners
 * (rounding ties of both signs, shift 0, the largest shift, ReLU at both ends of the zero-point
 * range), with stream stalls on every input (the parameter stream too). Also: every emitted file
 * is lint-clean with the stage, and a missing parameter beat stalls the results instead of
 * letting them pass. The full unit × dataflow × simulator matrix is in `npm run regress:full`.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { loadConfig } from '../../generator/config/load.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { CMD_SLOTS } from '../../generator/config/cycles.js';
import { samplesOf, units } from '../../generator/units/index.js';
import { casesFor } from '../../sim/cases.js';
import { cosim } from '../../sim/cosim.js';
import { cosimSummary } from '../helpers/cosim.js';
import { lintFiles } from '../../sim/lint.js';

function stageConfig(
  name: string,
  kind: string,
  dataflow: 'weight-stationary' | 'output-stationary',
  i: number,
): ResolvedConfig {
  const u = units.find((x) => x.kind === kind)!;
  const signed = i % 2 === 0;
  // A unit with fixed operand formats (binary's packed words, an imported circuit's ports) runs at its own.
  const fixed = samplesOf(u).operands?.[0];
  return resolveConfig(
    {
      name,
      array:
        dataflow === 'weight-stationary'
          ? { rows: 2, cols: 3, maxK: 16, accDepth: 8 }
          : { rows: 3, cols: 2, maxK: 16, accDepth: 8 },
      dataflow,
      precision: {
        activation: fixed?.activation ?? { bits: 8, signed },
        weight: fixed?.weight ?? { bits: 8, signed: true },
        accumulator: i % 3 === 2 ? { bits: 20, overflow: 'saturate' } : { overflow: 'wrap' },
      },
      multiplier: { kind, ...samplesOf(u).regress[0] },
      outputStage: { bits: 8, signed: i % 4 < 2 },
    },
    'test',
  );
}

const matrix = units.flatMap((u, i) =>
  (['weight-stationary', 'output-stationary'] as const).map((df, j) => {
    const name = `st_${u.kind.replace(/[^a-z0-9]/g, '')}_${df === 'weight-stationary' ? 'ws' : 'os'}`;
    return [`${u.kind} ${df}`, stageConfig(name, u.kind, df, 2 * i + j)] as const;
  }),
);

async function check(c: ResolvedConfig, simulator: 'icarus' | 'verilator', seed: number) {
  const cases = casesFor(c, derive(c), { seed, gemm: { m: 5, k: 7, n: 4 } });
  const r = await cosim(c, { simulator, cases, seed, stall: 40 });
  expect(r.passed, cosimSummary(r)).toBe(true);
  expect(r.problems).toEqual([]);
  expect(r.results).toBeGreaterThan(30);
  expect(cases.some((x) => x.name === 'stage ties')).toBe(true);
}

describe('output stage co-simulation in Icarus: every unit kind, both dataflows', () => {
  it.concurrent.each(matrix)('%s', async (_l, c) => check(c, 'icarus', 3));
});

describe('output stage co-simulation in Verilator', () => {
  it(
    // The same build test/inference/infer-rtl.test.ts runs the CNN on.
    'mitchell, weight-stationary (examples/mitchell-net-stage.json)',
    async () => check(await loadConfig('examples/mitchell-net-stage.json'), 'verilator', 4),
    120_000,
  );
  it(
    'asm, output-stationary',
    async () => check(stageConfig('st_v_asm', 'asm', 'output-stationary', 2), 'verilator', 5),
    120_000,
  );
});

describe('output stage RTL', () => {
  it('the emitted queue holds one parameter beat per command the top can hold unfinished (CMD_SLOTS)', () => {
    const c = stageConfig('st_slots', 'exact', 'weight-stationary', 0);
    const stage = emitRtl(c).find((f) => f.module === `${c.name}_out_stage`)!;
    expect(stage.text).toContain(`par_q [0:${CMD_SLOTS - 1}];`);
  });

  it.each([
    ['int8 out, wrapping signed accumulator, ws', stageConfig('st_lint_ws', 'exact', 'weight-stationary', 0)],
    [
      'uint8 out, saturating unsigned-operand accumulator, os',
      stageConfig('st_lint_os', 'exact', 'output-stationary', 3),
    ],
  ])('%s: every emitted file lint-clean (Verilator -Wall, Icarus, Yosys)', async (_l, c) => {
    const r = await lintFiles(emitRtl(c), `${c.name}_top`);
    for (const x of r) expect(x.messages, x.tool).toBe('');
    expect(r.every((x) => x.ok)).toBe(true);
  });

  it('results wait for the parameter beat: without p.hex beats the run times out with results missing', async () => {
    const c = stageConfig('st_nop', 'exact', 'weight-stationary', 0);
    const r = await cosim(c, {
      simulator: 'icarus',
      cases: casesFor(c, derive(c), { seed: 1, gemm: { m: 2, k: 3, n: 2 }, directed: false }),
      watchdog: 300,
      tamper: (f) => ({ ...f, 'p.hex': '0\n' }),
    });
    expect(r.passed).toBe(false);
    expect(r.results).toBe(0);
    expect(r.problems.join('\n')).toMatch(/AXGEN_TIMEOUT/);
  });
});
