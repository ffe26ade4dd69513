/** Stimulus cases and their concatenated schedule (no simulation). */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { commandLimits, refusedCommand, refusedSchedule } from '../../generator/model/schedule.js';
import {
  casesFor,
  refusedCases,
  commandM,
  defaultGemm,
  laneOrigin,
  operandsOf,
  parseGemm,
  scheduleCases,
} from '../../sim/cases.js';

const mk = (dataflow: string, rows: number, cols: number, aSigned = true) =>
  resolveConfig(
    {
      name: 'cases_t',
      array: { rows, cols, maxK: 1024, accDepth: 64 },
      dataflow,
      precision: { activation: { bits: 8, signed: aSigned }, weight: { bits: 4, signed: true } },
      multiplier: { kind: 'exact' },
    },
    'test',
  );

describe('cases', () => {
  it('parses MxKxN and rejects anything else', () => {
    expect(parseGemm('64x128x32')).toEqual({ m: 64, k: 128, n: 32 });
    expect(parseGemm(' 1 X 2 × 3 ')).toEqual({ m: 1, k: 2, n: 3 });
    for (const bad of ['', '3x4', '0x1x1', '1x1x1x1', 'axbxc', '1.5x2x2']) expect(parseGemm(bad), bad).toBeNull();
  });

  it('the default GEMM is tiled in N, folded over K (WS) and tiled in M (OS)', () => {
    for (const df of ['weight-stationary', 'output-stationary']) {
      const c = mk(df, 4, 3);
      const g = defaultGemm(c);
      expect(g.n).toBeGreaterThan(c.array.cols);
      expect(g.k).toBeGreaterThan(c.array.rows);
      if (df === 'output-stationary') expect(g.m).toBeGreaterThan(commandM(c));
    }
  });

  it('directed tiles reach the operand extremes; the same seed gives the same cases', () => {
    const c = mk('weight-stationary', 2, 2, false);
    const d = derive(c);
    const cases = casesFor(c, d, { seed: 4 });
    const by = (n: string) => cases.find((x) => x.name === n)!;
    expect(
      by('directed all-max')
        .A.flat()
        .every((a) => a === 255),
    ).toBe(true);
    expect(
      by('directed all-max')
        .W.flat()
        .every((w) => w === 7),
    ).toBe(true);
    expect(
      by('directed all-min')
        .A.flat()
        .every((a) => a === 0),
    ).toBe(true);
    expect(
      by('directed all-min')
        .W.flat()
        .every((w) => w === -8),
    ).toBe(true);
    expect(new Set(by('directed alternating-signs').W.flat())).toEqual(new Set([7, -8]));
    const zeros = (n: string) =>
      by(n)
        .A.flat()
        .filter((a) => a === 0).length / by(n).A.flat().length;
    expect(zeros('directed zeros-90%')).toBeGreaterThan(zeros('directed zeros-50%'));
    expect(casesFor(c, d, { seed: 4 })).toEqual(cases);
    expect(casesFor(c, d, { seed: 5 })[0]).not.toEqual(cases[0]);
  });

  it('maps every result lane of the concatenated schedule back to its case, tile and element', () => {
    const c = mk('output-stationary', 2, 3);
    const d = derive(c);
    const cases = casesFor(c, d, { seed: 1, gemm: { m: 3, k: 5, n: 4 } });
    const ms = scheduleCases(c, d, cases);
    // 3x5x4 on 2x3 OS: row tiles m0 = 0, 2 (outer) x column tiles n0 = 0, 3; result beats 2, 2, 1, 1.
    const o = laneOrigin(ms, 4, 1)!;
    expect(o).toMatchObject({ caseName: 'random 3x5x4', command: 2, caseCommand: 2, m0: 2, n0: 0, m: 2, n: 1 });
    expect(operandsOf(ms, o).split(' + ')).toHaveLength(5);
    expect(laneOrigin(ms, 5, 0)).toMatchObject({ command: 3, m0: 2, n0: 3, m: 2, n: 3 });
    expect(laneOrigin(ms, 5, 1)).toMatchObject({ command: 3, m: null, n: null }); // padding lane
    expect(operandsOf(ms, laneOrigin(ms, 5, 1)!)).toMatch(/padding/);
    // The refused commands (no beats) sit between the random GEMM and the first directed tile.
    const zeroIdx = ms.parts.findIndex((p) => p.case.name === 'directed all-zero');
    expect(ms.parts.slice(1, zeroIdx).map((p) => p.case.name)).toEqual(['refused M=0', 'refused K=0', 'refused N=0']);
    const firstDirected = laneOrigin(ms, ms.parts[zeroIdx]!.firstBeat, 0)!;
    expect(firstDirected).toMatchObject({
      caseIndex: zeroIdx,
      caseName: 'directed all-zero',
      caseCommand: 0,
      m: 0,
      n: 0,
    });
    expect(laneOrigin(ms, ms.all.yBeats.length, 0)).toBeNull();
  });

  it('refused commands: zero dimensions always, each limit + 1 when its port carries it; the model predicts no beats, 0 counters', () => {
    for (const df of ['weight-stationary', 'output-stationary'] as const) {
      const c = mk(df, 2, 2);
      const d = derive(c);
      const lim = commandLimits(c);
      expect(lim).toEqual({ m: df === 'weight-stationary' ? c.array.accDepth : 2, k: c.array.maxK, n: 2 });
      const rc = refusedCases(c, d);
      for (const x of rc) {
        const { m, k, n } = x.refuse!;
        expect(refusedCommand(c, m, k, n), x.name).toBe(true);
        expect(m < 2 ** d.mBits && k < 2 ** d.kBits && n < 2 ** d.nBits, x.name).toBe(true);
        const s = refusedSchedule(c, m, k, n);
        expect(s.commands).toEqual([expect.objectContaining({ cycles: 0, macs: 0, skipped: 0, refused: true })]);
        expect(s.wBeats.length + s.aBeats.length + s.yBeats.length).toBe(0);
      }
      expect(rc.slice(0, 3).map((x) => x.name)).toEqual(['refused M=0', 'refused K=0', 'refused N=0']);
      // N = C + 1 = 3 fits the 2-bit N port of a 2-column array; on 3 columns N = 4 does not.
      expect(rc.map((x) => x.name)).toContain('refused N=3');
      expect(refusedCases(mk(df, 2, 3), derive(mk(df, 2, 3))).map((x) => x.name)).not.toContain('refused N=4');
      expect(refusedCommand(c, lim.m, lim.k, lim.n)).toBe(false);
      expect(() => refusedSchedule(c, 1, 1, 1)).toThrow(/within the limits/);
    }
  });

  it('concatenates schedules with more beats than the call stack holds arguments', () => {
    const c = mk('weight-stationary', 1, 1);
    const d = derive(c);
    const ms = scheduleCases(c, d, casesFor(c, d, { seed: 1, gemm: { m: 64, k: 1024, n: 4 }, directed: false }));
    expect(ms.all.aBeats.length).toBe(4 * 1024 * 64);
  });
});
