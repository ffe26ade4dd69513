/**
 * AXI co-simulation (sim/axi.ts): the AXI IP driven through its AXI ports only, from the same golden
 * model, in both simulators, on an exact weight-stationary config with zero-skip (so the skipped-MAC
 * counter is non-zero) and a Mitchell output-stationary config. Each run: ID/illegal/read-only CSR
 * accesses, a soft reset mid-run followed by clean runs, back-to-back tiles, counters and the totals
 * TOT_CYCLES/TOT_MACS read over AXI4-Lite and compared with the model, TLAST on every stream,
 * ERR_START/ERR_TLAST flags, refused
 * commands (zero and over-limit dimensions: ERR_DIM, no beats, counters 0); several
 * seeds of random TVALID gaps and TREADY/BREADY/RREADY stalls. Two Verilator builds.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { written } from '../helpers/configs.js';
import { axiCosim } from '../../sim/axi.js';
import { randomStage, scheduleCases } from '../../sim/cases.js';
import { rng } from '../../sim/stimulus.js';
import { derive } from '../../generator/config/derive.js';
import { emitAxiRtl } from '../../generator/axi/emit.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { faultNamed } from '../../sim/faults.js';
import type { SimulatorName } from '../../sim/simulators.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function operands(seed: number, M: number, K: number, N: number, aBits: number, wBits: number) {
  const r = lcg(seed);
  const val = (bits: number) => {
    const x = (r() >>> 8) % 4 === 0 ? 0 : ((r() >>> 8) % (1 << bits)) - (1 << (bits - 1));
    return x;
  };
  return {
    A: Array.from({ length: M }, () => Array.from({ length: K }, () => val(aBits))),
    W: Array.from({ length: K }, () => Array.from({ length: N }, () => val(wBits))),
  };
}

const configs = [
  {
    label: 'exact WS 3x2 int8, zero-skip, output stage',
    c: resolveConfig(
      {
        ...written({ name: 'axe', rows: 3, cols: 2 }),
        interface: 'axi',
        zeroSkip: { activation: 0 },
        outputStage: { bits: 8, signed: true },
      },
      'test',
    ),
    M: 6,
    K: 7,
    N: 5,
    aBits: 8,
    wBits: 8,
  },
  {
    label: 'Mitchell OS 2x3 int6',
    c: resolveConfig(
      {
        ...written({
          name: 'axm',
          rows: 2,
          cols: 3,
          dataflow: 'output-stationary',
          aBits: 6,
          wBits: 6,
          multiplier: { kind: 'mitchell', fractionBits: 3 },
        }),
        interface: 'axi',
      },
      'test',
    ),
    M: 5,
    K: 6,
    N: 4,
    aBits: 6,
    wBits: 6,
  },
];

describe.each(configs)('AXI co-simulation: $label', ({ c, M, K, N, aBits, wBits }) => {
  it.each<[SimulatorName, number, number]>([
    ['icarus', 11, 0],
    ['icarus', 12, 90],
    ['icarus', 13, 170],
    ['verilator', 21, 0],
    ['verilator', 22, 120],
  ])(
    '%s seed %i stall %i/256: bit-exact, counters equal the model, nothing lost or duplicated',
    async (simulator, seed, stall) => {
      const { A, W } = operands(seed * 7 + M, M, K, N, aBits, wBits);
      const r = await axiCosim(c, { simulator, A, W, seed, stall, abortAfter: 6 + (seed % 5) * 4 });
      expect(r.problems, `seed ${seed}\n${r.output.slice(0, 2000)}`).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.errors).toBe(0);
      expect(r.starts).toBeGreaterThan(3);
    },
  );
});

describe('AXI co-simulation with random output-stage parameters', () => {
  it('icarus: the parameter stream carries bias, scale, zero point and ReLU per command', async () => {
    const { c, M, K, N, aBits, wBits } = configs[0]!;
    const d = derive(c);
    const { A, W } = operands(9, M, K, N, aBits, wBits);
    const stage = randomStage(d, K, N, rng(9));
    const scheduled = scheduleCases(c, d, [{ name: 'stage', A, W, stage }]);
    expect(scheduled.all.pBeats.length).toBe(scheduled.all.commands.length);
    const r = await axiCosim(c, { simulator: 'icarus', scheduled, seed: 9, stall: 60 });
    expect(r.problems, r.output.slice(0, 2000)).toEqual([]);
    expect(r.passed).toBe(true);
  });
});

describe('AXI checker self-test', () => {
  const { c, M, K, N, aBits, wBits } = configs[0]!;
  const { A, W } = operands(5, M, K, N, aBits, wBits);
  const flipLast = (text: string, line: number, f: (l: string) => string) => {
    const lines = text.split('\n');
    lines[line] = f(lines[line]!);
    return lines.join('\n');
  };
  it.each<[string, (t: Record<string, string>) => void, RegExp]>([
    [
      'a wrong result lane',
      (t) =>
        (t['y.hex'] = flipLast(t['y.hex']!, t['y.hex']!.split('\n').length - 2, (l) =>
          l.replace(/.$/, (x) => (x === '0' ? '1' : '0')),
        )),
      /AXGEN_YBEAT/,
    ],
    [
      'a wrong result TLAST',
      (t) =>
        (t['y.hex'] = flipLast(
          t['y.hex']!,
          t['y.hex']!.split('\n').length - 2,
          (l) => (l.startsWith('1') ? '0' : '1') + l.slice(1),
        )),
      /AXGEN_YBEAT .*tlast_expected/,
    ],
    [
      'a wrong counter',
      (t) =>
        (t['prog.hex'] = t['prog.hex']!.replace(
          /^2 14 ([0-9a-f]+)/m,
          (_x, v: string) => `2 14 ${(parseInt(v, 16) + 1).toString(16)}`,
        )),
      /AXGEN_CSR .*addr=14/,
    ],
    [
      'a wrong TOT_MACS (the last read of the totals)',
      (t) => {
        const reads = [...t['prog.hex']!.matchAll(/^2 54 ([0-9a-f]+)/gm)];
        expect(reads.length).toBeGreaterThan(2);
        const last = reads[reads.length - 1]!;
        const at = last.index;
        t['prog.hex'] =
          t['prog.hex']!.slice(0, at) +
          `2 54 ${(parseInt(last[1]!, 16) + 1).toString(16)}` +
          t['prog.hex']!.slice(at + last[0].length);
      },
      /AXGEN_CSR .*addr=54/,
    ],
    [
      'a missing result beat',
      (t) => (t['y.hex'] = t['y.hex']!.replace(/^(\d+)/, (x) => String(Number(x) + 1)) + '1 0\n'),
      /AXGEN_(STREAMS|TIMEOUT)/,
    ],
  ])('fails on %s', async (_name, mutate, expected) => {
    const r = await axiCosim(c, { simulator: 'icarus', A, W, seed: 2, stall: 40, mutate });
    expect(r.passed).toBe(false);
    expect(r.problems.join('\n')).toMatch(expected);
  });
  it('fails when the array does not refuse a command with a zero dimension (fault refusal-removed)', async () => {
    const rtl = faultNamed('refusal-removed').inject([...emitRtl(c), ...emitAxiRtl(c)], c);
    const r = await axiCosim(c, { simulator: 'icarus', A, W, seed: 2, stall: 40, rtl });
    expect(r.passed).toBe(false);
    // The first START (DIM registers at their reset value 0) must read DONE with STATUS.ERR_DIM.
    expect(r.problems.join('\n')).toMatch(/AXGEN_(CSR|TIMEOUT)/);
  });
});
