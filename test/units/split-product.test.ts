/**
 * The split product (units/types.ts SplitProduct): a unit whose sign restore negates gives the PE
 * px + pc, and the accumulator adder adds pc as its carry-in. The PE reads the split ports only for
 * such units; saturation (whose overflow test sees the carry-in) matches the golden model in both
 * directions, on both dataflows, with and without the `macc` product register, and with a
 * multiplier cut that registers the sign the split reads (ASM's `select`: neg_c). In wrap mode a px
 * one bit wider than the accumulator is cut to it.
 * (The unit-level invariant px + pc = p on every pair is in exhaustive.test.ts and harness.test.ts.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStat } from '../../generator/estimate/stat.js';
import { runTool } from '../../generator/infra/children.js';
import { derive } from '../../generator/config/derive.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { gemmModel } from '../../generator/model/gemm.js';
import type { ResolvedConfig } from '../../generator/config/resolve.js';
import { config } from '../helpers/configs.js';
import { cosim } from '../../sim/cosim.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { expectCosimPassed } from '../helpers/cosim.js';

interface Case {
  name: string;
  dataflow: 'weight-stationary' | 'output-stationary';
  multiplier: Record<string, unknown>;
  pipeline?: { macc?: 0 | 1; multiplier?: number };
}

/** 4-bit signed operands into a saturating accumulator as wide as one product. */
const configOf = (cs: Case, accBits: number): ResolvedConfig =>
  config({
    name: cs.name,
    rows: 2,
    cols: 2,
    maxK: 16,
    accDepth: 8,
    dataflow: cs.dataflow,
    aBits: 4,
    wBits: 4,
    accBits,
    overflow: 'saturate',
    multiplier: cs.multiplier,
    ...(cs.pipeline ? { pipeline: cs.pipeline } : {}),
  });

const productBits = (cs: Case) => derive(configOf(cs, 16)).product.bits;
const text = (c: ResolvedConfig, module: string) => emitRtl(c).find((f) => f.module === `${c.name}_${module}`)!.text;

const cases: Case[] = [
  { name: 'sp_mit_ws', dataflow: 'weight-stationary', multiplier: { kind: 'mitchell' }, pipeline: { macc: 1 } },
  { name: 'sp_drum_os', dataflow: 'output-stationary', multiplier: { kind: 'drum', k: 3 } },
  { name: 'sp_flint_ws', dataflow: 'weight-stationary', multiplier: { kind: 'flint' } },
  // The split reads the sign registered at the multiplier's cut (neg_c), with px and pc after it.
  { name: 'sp_asm_ws', dataflow: 'weight-stationary', multiplier: { kind: 'asm' }, pipeline: { multiplier: 1 } },
];

// Runs of large products of one sign, then of the other: sums saturate, come back from the bound
// (so an element depends on where it clipped) and end at either bound or between them.
const A = [
  [7, 7, 7, 7, -8, -8, 7, 7, 1, 0],
  [-8, -8, -8, -8, 7, 7, -8, -8, -8, -8],
  [7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
];
const W = [
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -7],
  [7, -8],
  [7, 3],
];

describe('the PE adds a split product with its carry-in', () => {
  it('only units whose sign restore negates give the split form, and the PE and adder read it', () => {
    const mit = configOf(cases[0]!, 16);
    expect(text(mit, 'mul')).toMatch(/output wire +pc_o/);
    expect(text(mit, 'pe')).toMatch(/\.px_o +\(prod_mul\),\n +\.pc_o +\(prod_c_mul\)/);
    expect(text(mit, 'pe')).toMatch(/prod_c_q <= prod_c_mul;/);
    // Declared before the multiplier's instance connects them (no use before declaration).
    const pe = text(mit, 'pe');
    for (const w of ['prod_mul', 'prod_c_mul']) {
      const declared = pe.search(new RegExp(`wire +(\\[\\d+:0\\] +)?${w};`));
      expect([w, declared >= 0 && declared < pe.indexOf(`(${w})`)]).toEqual([w, true]);
    }
    expect(text(mit, 'acc_add')).toMatch(/\+ \{16'd0, pc_i\}/);
    for (const multiplier of [
      { kind: 'exact' },
      { kind: 'mitchell', signedMode: 'ones-complement' },
      { kind: 'ternary' },
    ]) {
      const c = configOf({ name: 'sp_none', dataflow: 'weight-stationary', multiplier }, 16);
      expect([multiplier, /pc_/.test(text(c, 'pe') + text(c, 'acc_add'))]).toEqual([multiplier, false]);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('icarus %s: saturating at the product width', async (_n, cs) => {
    const c = configOf(cs, productBits(cs));
    const d = derive(c);
    // The data does saturate in the golden model, at both bounds.
    const Y = gemmModel(c, d, A, W).flat();
    const max = 2n ** BigInt(d.accBits - 1) - 1n;
    expect([Y.includes(max), Y.includes(-max - 1n)]).toEqual([true, true]);
    const r = await cosim(c, { simulator: 'icarus', A, W, seed: 7, stall: 30 });
    expectCosimPassed(r);
  });

  it('Yosys builds acc + px + pc as ONE carry chain on iCE40 (the point of the split form)', async () => {
    // int8 signed Mitchell into a 24-bit accumulator: px is 16 bits, the sum 24. Two chains in
    // series (the negation, then the addition) would take about 16 + 23 SB_CARRY; one takes < 24.
    // Output-stationary: a weight-stationary Mitchell PE splits the sum into chains (carry-save.test.ts).
    const c = config({
      name: 'sp_chain',
      rows: 2,
      cols: 2,
      maxK: 256,
      dataflow: 'output-stationary',
      multiplier: { kind: 'mitchell' },
    });
    const d = derive(c);
    expect(d.accBits).toBe(24);
    const dir = await mkdtemp(join(tmpdir(), 'axgen-chain-'));
    try {
      await writeFile(join(dir, 'add.v'), text(c, 'acc_add'));
      const r = await runTool(
        'yosys',
        ['-q', '-p', 'read_verilog add.v; synth_ice40 -top sp_chain_acc_add; tee -o s.txt stat'],
        {
          cwd: dir,
        },
      );
      expect(r.exitCode, r.all).toBe(0);
      const cells = parseStat(await readFile(join(dir, 's.txt'), 'utf8'))[0]!.cells;
      expect(cells.SB_CARRY ?? 0).toBeGreaterThan(0);
      expect(cells.SB_CARRY).toBeLessThan(d.accBits);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(['output-stationary', 'weight-stationary'] as const)(
    'wrap, %s: a px one bit wider than the accumulator is cut to it, lint-clean and exact',
    async (dataflow) => {
      // 6-bit unsigned × 10-bit signed Mitchell: a 16-bit product whose core magnitude fills 16 bits,
      // so px is 17 bits; maxK 1 lets a wrapping accumulator be as narrow as the product. In
      // weight-stationary the adder is in carry-save form (carry-save.test.ts), pc_i its lowest chain's carry-in.
      const c = config({
        name: 'sp_wrap_narrow',
        dataflow,
        rows: 2,
        cols: 2,
        maxK: 1,
        accDepth: 8,
        aBits: 6,
        aSigned: false,
        wBits: 10,
        accBits: 16,
        multiplier: { kind: 'mitchell', fractionBits: 4, compensation: 'bias' },
      });
      expect([derive(c).product.bits, derive(c).accBits]).toEqual([16, 16]);
      const add = text(c, 'acc_add');
      expect(add).toMatch(/input {2}wire \[16:0\] p_i,/);
      expect(add).toMatch(/wire +unused_p += p_i\[16\];/);
      if (dataflow === 'output-stationary') {
        expect(add).toMatch(/assign sum_o = acc_i \+ p_i\[15:0\] \+ \{15'd0, pc_i\};/);
      } else {
        expect(add).toMatch(/wire \[15:0\] p_ext += p_i\[15:0\];/);
        expect(add).toMatch(/chain0 = \{1'b0, acc_i\[5:0\]\} \+ \{1'b0, p_ext\[5:0\]\} \+ \{6'd0, pc_i\};/);
      }
      expect(lintProblems(await lintFiles(emitRtl(c), `${c.name}_top`))).toBe('');
      // Extreme operands, so every product's magnitude and sign are at their corners.
      const A = [[63], [0], [1], [62], [33]];
      const W = [[-512, 511, 0]];
      const r = await cosim(c, { simulator: 'icarus', A, W, seed: 5, stall: 20 });
      expectCosimPassed(r);
      expect(r.results).toBeGreaterThan(0);
    },
  );
});
