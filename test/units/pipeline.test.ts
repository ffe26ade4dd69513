/**
 * PE pipeline stages (generator/units/pipeline.ts): the config rule against the unit's declared cut
 * points, Derived.peStages, the cycle model, and co-simulation of every registered unit kind with
 * its full pipeline (every cut it declares + the product register) on both dataflows, element by
 * element against the unchanged golden model, with stalls, counters equal to the cycle model.
 * Icarus runs every kind; Verilator builds one (the budget: one extra build). The kinds and
 * their pipeline settings come from the registry (UnitSamples.pipeline), so a new unit is covered
 * without editing this file. Without stages every unit is covered by the existing array tests.
 */
import { describe, expect, it } from 'vitest';
import { derive, unitLabel } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { commandCycles } from '../../generator/config/cycles.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { cutsOf, samplesOf, units } from '../../generator/units/index.js';
import type { UnitDef } from '../../generator/units/types.js';
import { casesFor } from '../../sim/cases.js';
import { cosim } from '../../sim/cosim.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { written } from '../helpers/configs.js';

type Flow = 'weight-stationary' | 'output-stationary';

const problems = (cfg: unknown): string[] => {
  try {
    resolveConfig(cfg, 'test.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: expected ${p.expected}`);
    throw e;
  }
  return [];
};

describe('pipeline config', () => {
  const cfg = (multiplier: Record<string, unknown>, pipeline?: unknown) => ({
    ...written({ rows: 2, cols: 2, multiplier }),
    ...(pipeline === undefined ? {} : { pipeline }),
  });

  it('peStages = multiplier + macc; absent is 0 and leaves the config hash alone', () => {
    expect(derive(resolveConfig(cfg({ kind: 'exact' }))).peStages).toBe(0);
    expect(derive(resolveConfig(cfg({ kind: 'exact' }, {}))).peStages).toBe(0);
    const d = derive(resolveConfig(cfg({ kind: 'mitchell', share: false }, { multiplier: 2, macc: 1 })));
    expect([d.mulStages, d.peStages]).toEqual([2, 3]);
    expect(derive(resolveConfig(cfg({ kind: 'ternary' }, { macc: 1 }))).peStages).toBe(1);
  });

  it('edge = 1 adds an edge stage, not a PE stage; absent or 0 leaves one', () => {
    expect(derive(resolveConfig(cfg({ kind: 'exact' }))).edgeStages).toBe(1);
    expect(derive(resolveConfig(cfg({ kind: 'exact' }, { macc: 1 }))).edgeStages).toBe(1);
    const d = derive(resolveConfig(cfg({ kind: 'exact' }, { edge: 1 })));
    expect([d.peStages, d.edgeStages]).toEqual([0, 2]);
    expect(unitLabel(resolveConfig(cfg({ kind: 'exact' }, { edge: 1 })))).toContain(
      'pipeline(multiplier=0, macc=0, edge=1)',
    );
    expect(unitLabel(resolveConfig(cfg({ kind: 'exact' }, { macc: 1 })))).not.toContain('edge');
    expect(problems(cfg({ kind: 'exact' }, { edge: 2 }))[0]).toMatch(/^pipeline\.edge: /);
  });

  it('refuses more multiplier stages than the unit declares cut points, naming them', () => {
    expect(problems(cfg({ kind: 'ternary' }, { multiplier: 1 }))).toEqual([
      'pipeline.multiplier: expected 0: the ternary unit declares no cut point inside its multiplier (use pipeline.macc)',
    ]);
    expect(problems(cfg({ kind: 'mitchell' }, { multiplier: 2 }))).toEqual([
      'pipeline.multiplier: expected at most 1, the cut points the mitchell unit declares (antilog)',
    ]);
    expect(problems(cfg({ kind: 'exact' }, { macc: 2 }))[0]).toMatch(/^pipeline\.macc: /);
  });

  it('the label names the registered cuts', () => {
    const c = resolveConfig(cfg({ kind: 'mitchell', share: false }, { multiplier: 2, macc: 1 }));
    expect(unitLabel(c)).toContain('pipeline(multiplier=2: antilog encode, macc=1)');
  });

  it('the cycle model adds peStages once per command when folds stream back to back', () => {
    const ws = { rows: 4, cols: 3, dataflow: 'weight-stationary' as const };
    const os = { rows: 4, cols: 3, dataflow: 'output-stationary' as const };
    // M = 5 >= max(R + 1, C + S): the three folds overlap, only the last one's drain is longer.
    expect(commandCycles({ ...ws, peStages: 2 }, 5, 9) - commandCycles(ws, 5, 9)).toBe(2);
    expect(commandCycles({ ...ws, peStages: 2 }, 5, 9)).toBe(3 * 5 + 4 + 3 + 2 + 1);
    expect(commandCycles({ ...os, peStages: 2 }, 4, 9) - commandCycles(os, 4, 9)).toBe(2);
  });

  it('the cycle model adds one cycle per command for pipeline.edge', () => {
    const ws = { rows: 4, cols: 3, dataflow: 'weight-stationary' as const };
    const os = { rows: 4, cols: 3, dataflow: 'output-stationary' as const };
    expect(commandCycles({ ...ws, edgeStages: 2 }, 5, 9)).toBe(3 * 5 + 4 + 3 + 0 + 2);
    expect(commandCycles({ ...ws, edgeStages: 2 }, 5, 9) - commandCycles(ws, 5, 9)).toBe(1);
    expect(commandCycles({ ...os, edgeStages: 2 }, 4, 9)).toBe(9 + 4 + 4 + 3 + 0 + 2 - 2);
    expect(commandCycles({ ...os, edgeStages: 2 }, 4, 9) - commandCycles(os, 4, 9)).toBe(1);
    // Back to back from M >= max(R + 1, C + S + E - 1) (README "Cycle model"): here 8, not C + S = 7.
    const ws2 = { rows: 4, cols: 5, dataflow: 'weight-stationary' as const, peStages: 2, edgeStages: 2 };
    expect(commandCycles(ws2, 8, 12)).toBe(3 * 8 + 4 + 5 + 2 + 2);
    expect(commandCycles(ws2, 7, 12)).toBeGreaterThan(3 * 7 + 4 + 5 + 2 + 2);
  });
});

interface Case {
  name: string;
  kind: string;
  params: Record<string, unknown>;
  pipeline: { multiplier: number; macc: 0 | 1; edge: 0 | 1 };
  dataflow: Flow;
  aSigned: boolean;
  wSigned: boolean;
  /** Fixed operand formats of a unit that supports only some (UnitSamples.operands). */
  operands?: { activation: { bits: number; signed: boolean }; weight: { bits: number; signed: boolean } };
  zeroSkip?: Record<string, unknown>;
}

// Every kind's everyday set and its first parameter set with share=false (if any), with the full
// pipeline; both dataflows; signedness rotating (a unit with fixed operand formats runs at its
// first); zero-skip on output-stationary; pipeline.edge on one dataflow per kind, alternating
// (the Verilator case has it), and on a weight-stationary array with zero-skip (EDGE_ZS).
const withEdge = (ui: number, pi: number, di: number) => (ui + pi + di) % 2 === 0;
const cases: Case[] = units.flatMap((u, ui) => {
  const s = samplesOf(u);
  const operands = s.operands?.[0];
  const sets = [s.regress[0]!, ...s.regress.slice(1).filter((p) => p.share === false)].slice(0, 2);
  return sets.flatMap((params, pi) =>
    (['weight-stationary', 'output-stationary'] as const).map((dataflow, di) => ({
      name: `pl_${u.kind.replace(/[^a-z0-9]/g, '')}${pi}_${dataflow === 'weight-stationary' ? 'ws' : 'os'}`,
      kind: u.kind,
      params,
      pipeline: { ...s.pipeline(params)[0]!, edge: withEdge(ui, pi, di) ? 1 : 0 },
      dataflow,
      aSigned: (ui + di) % 2 === 0,
      wSigned: (ui + pi) % 3 !== 1,
      ...(operands ? { operands } : {}),
      ...(dataflow === 'output-stationary' ? { zeroSkip: { activation: 1, weight: 0, gating: 'enable' } } : {}),
    })),
  );
});

const EDGE_ZS: Case = {
  name: 'pl_edge_zs_ws',
  kind: 'mitchell',
  params: {},
  pipeline: { multiplier: 1, macc: 1, edge: 1 },
  dataflow: 'weight-stationary',
  aSigned: true,
  wSigned: true,
  zeroSkip: { activation: 1, weight: 1, gating: 'enable' },
};
cases.push(EDGE_ZS);

const configOf = (cs: Case) =>
  resolveConfig(
    {
      name: cs.name,
      array: { rows: 3, cols: 4, maxK: 32, accDepth: 8 },
      dataflow: cs.dataflow,
      precision: cs.operands ?? {
        activation: { bits: 8, signed: cs.aSigned },
        weight: { bits: 8, signed: cs.wSigned },
      },
      multiplier: { kind: cs.kind, ...cs.params },
      pipeline: cs.pipeline,
      ...(cs.zeroSkip ? { zeroSkip: cs.zeroSkip } : {}),
    },
    cs.name,
  );

const VERILATOR_CASE = 'pl_mitchell1_os';

describe('co-simulation with PE pipeline stages, every unit kind, both dataflows', () => {
  it('covers every registered kind with all its cut points on both dataflows', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        expect(
          cases.some((c) => {
            if (c.kind !== u.kind || c.dataflow !== df) return false;
            const n = cutsOf(
              u as unknown as UnitDef<string, object, unknown>,
              { kind: u.kind, ...c.params },
              {
                activation: { bits: 8, signed: true },
                weight: { bits: 8, signed: true },
              },
            ).length;
            return c.pipeline.multiplier === n && c.pipeline.macc === 1;
          }),
          `${u.kind} ${df}`,
        ).toBe(true);
    expect(cases.map((c) => c.name)).toContain(VERILATOR_CASE);
    expect(cases.find((c) => c.name === VERILATOR_CASE)!.pipeline.edge).toBe(1);
    for (const df of ['weight-stationary', 'output-stationary'])
      expect(
        cases.some((c) => c.dataflow === df && c.pipeline.edge === 1 && c.zeroSkip),
        df,
      ).toBe(true);
  });

  const run = (cs: Case, simulator: 'icarus' | 'verilator', seed: number) => {
    const c = configOf(cs);
    // The random GEMM spans several folds (K > rows) and commands (M > accDepth in WS).
    return cosim(c, {
      simulator,
      cases: casesFor(c, derive(c), { seed, gemm: { m: 10, k: 8, n: 5 } }),
      seed,
      stall: 40,
    });
  };

  it.each(cases.map((c, i) => [c.name, c, i] as const))('icarus %s', async (_n, cs, i) => {
    const r = await run(cs, 'icarus', 500 + i);
    expectCosimPassed(r);
  });

  it(`verilator ${VERILATOR_CASE}, lint-clean`, async () => {
    const cs = cases.find((c) => c.name === VERILATOR_CASE)!;
    const c = configOf(cs);
    expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
    const r = await run(cs, 'verilator', 499);
    expectCosimPassed(r);
  });
});

describe('pipelined RTL is lint-clean for every unit kind', () => {
  it.each(cases.filter((c) => c.dataflow === 'weight-stationary').map((c) => [c.name, c] as const))(
    '%s',
    async (_n, cs) => {
      const c = configOf(cs);
      expect(lintProblems(await lintFiles(emitRtl(c), topModule(c)))).toBe('');
    },
  );
});
