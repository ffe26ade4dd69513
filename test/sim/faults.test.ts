/**
 * Proving the checker can fail: faults injected into emitted RTL, corrupted or short vector files
 * and a wrong cycle expectation must each make the co-simulation report failure, with the
 * element-level mismatch or the counter that gave it away. Icarus only (cheap compiles).
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { casesFor } from '../../sim/cases.js';
import { cosim } from '../../sim/cosim.js';
import { cosimSummary } from '../helpers/cosim.js';
import { faultNamed, faults } from '../../sim/faults.js';

const mk = (
  name: string,
  dataflow: string,
  rows: number,
  cols: number,
  kind = 'exact',
  aSigned = true,
  extra: object = {},
): ResolvedConfig =>
  resolveConfig(
    {
      name,
      array: { rows, cols, maxK: 32, accDepth: 8 },
      dataflow,
      precision: { activation: { bits: 8, signed: aSigned }, weight: { bits: 8, signed: false } },
      multiplier: { kind },
      ...extra,
    },
    'test',
  );

const configs = [
  mk('flt_ws', 'weight-stationary', 3, 2),
  mk('flt_os', 'output-stationary', 3, 2),
  mk('flt_mit', 'output-stationary', 2, 3, 'mitchell', false),
  mk('flt_zs', 'weight-stationary', 2, 3, 'exact', true, { zeroSkip: { activation: 3, weight: 2, gating: 'enable' } }),
  mk('flt_st', 'weight-stationary', 3, 2, 'exact', true, { outputStage: { bits: 8, signed: true } }),
  // A carry-save partial sum (units/carry-save.ts).
  mk('flt_mit_ws', 'weight-stationary', 3, 2, 'mitchell'),
];

const run = (c: ResolvedConfig, extra: Partial<Parameters<typeof cosim>[1]> = {}) =>
  cosim(c, {
    simulator: 'icarus',
    cases: casesFor(c, derive(c), { seed: 11, gemm: { m: 7, k: 7, n: 5 } }),
    seed: 11,
    stall: 32,
    ...extra,
  });

const STAGE_OPERANDS = /= acc -?\d+; output stage: bias -?\d+, × \d+ \/ 2\^\d+/;

describe('the checker passes the unmodified RTL', () => {
  it.each(configs.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await run(c);
    expect(r.passed, cosimSummary(r)).toBe(true);
    expect(r.commands).toBeGreaterThan(8);
  });
});

describe('faults injected into the emitted RTL are caught', () => {
  // Gate-only faults simulate correctly in RTL by design: test/sim/gate.test.ts catches them.
  const rtlFaults = faults.filter((f) => !f.gateOnly);
  const matrix = configs.flatMap((c) =>
    rtlFaults.filter((f) => f.appliesTo(c)).map((f) => [`${f.name} on ${c.name}`, c, f] as const),
  );
  it('every fault applies to at least one test config', () => {
    for (const f of rtlFaults)
      expect(
        configs.some((c) => f.appliesTo(c)),
        f.name,
      ).toBe(true);
  });
  it.each(matrix)('%s', async (_n, c, f) => {
    // A short watchdog: a fault may hang the array (refusal-removed with K = 0 does).
    const r = await run(c, { rtl: f.inject(emitRtl(c), c), watchdog: 2000 });
    expect(r.passed, cosimSummary(r)).toBe(false);
    // Caught by the comparison itself (an element or a counter), not by a crash or a time-out.
    expect(r.mismatches.length + r.counters.length, cosimSummary(r)).toBeGreaterThan(0);
    const m = r.mismatches[0];
    if (m) {
      expect(m.caseName).toMatch(/random|directed|stage/);
      expect(m.cycle).toBeGreaterThan(0);
      if (m.m !== null) expect(m.operands).toMatch(/\*/);
      // With an output stage the report names the accumulator and the lane's parameters too.
      if (m.m !== null && c.outputStage) expect(m.operands).toMatch(STAGE_OPERANDS);
    }
  });
  // The branch above runs only if some fault on flt_st mismatches a real element: make sure one does.
  it('a stage fault on flt_st reports an element with the accumulator and the stage parameters', async () => {
    const c = configs.find((x) => x.name === 'flt_st')!;
    const r = await run(c, { rtl: faultNamed('stage-dropped-bias').inject(emitRtl(c), c), watchdog: 2000 });
    const m = r.mismatches.find((x) => x.m !== null);
    expect(m?.operands, cosimSummary(r)).toMatch(STAGE_OPERANDS);
  });
});

describe('bad vector files are reported, never passed', () => {
  const c = configs[0]!;
  const lines = (t: string) => t.split('\n').filter((l) => l !== '');
  const tampers: [string, (f: Record<string, string>) => Record<string, string>, RegExp][] = [
    [
      'y.hex one line short (count unchanged)',
      (f) => ({ ...f, 'y.hex': lines(f['y.hex']!).slice(0, -1).join('\n') + '\n' }),
      /TBERROR|STREAMS|results/,
    ],
    [
      'y.hex count and lines both short',
      (f) => {
        const l = lines(f['y.hex']!);
        return { ...f, 'y.hex': [String(Number(l[0]) - 1), ...l.slice(1, -1)].join('\n') + '\n' };
      },
      /EXTRA|STREAMS|result beats/,
    ],
    [
      'w.hex one line short',
      (f) => ({ ...f, 'w.hex': lines(f['w.hex']!).slice(0, -1).join('\n') + '\n' }),
      /TBERROR|STREAMS|TIMEOUT/,
    ],
    [
      'a non-hex character in y.hex',
      (f) => {
        const l = lines(f['y.hex']!);
        l[3] = 'g' + l[3]!.slice(1);
        return { ...f, 'y.hex': l.join('\n') + '\n' };
      },
      /TBERROR/,
    ],
    [
      'an x digit in a.hex',
      (f) => {
        const l = lines(f['a.hex']!);
        l[2] = 'x' + l[2]!.slice(1);
        return { ...f, 'a.hex': l.join('\n') + '\n' };
      },
      /TBERROR/,
    ],
    ['empty cmd.hex', (f) => ({ ...f, 'cmd.hex': '' }), /TBERROR/],
  ];
  it.each(tampers)('%s', async (_n, tamper, problem) => {
    const r = await run(c, { tamper, watchdog: 2000 });
    expect(r.passed).toBe(false);
    expect(r.problems.join('\n')).toMatch(problem);
  });

  it('a cycle expectation one off is a counter mismatch (the counters are really compared with the model)', async () => {
    const tamper = (f: Record<string, string>) => {
      const l = lines(f['cnt.hex']!);
      const [beats, cyc, ...rest] = l[1]!.split(' ');
      l[1] = [beats, (parseInt(cyc!, 16) + 1).toString(16), ...rest].join(' ');
      return { ...f, 'cnt.hex': l.join('\n') + '\n' };
    };
    const r = await run(c, { tamper });
    expect(r.passed).toBe(false);
    expect(r.counters).toEqual([expect.objectContaining({ name: 'cycles', command: 0 })]);
    expect(r.mismatches).toEqual([]);
  });
});
