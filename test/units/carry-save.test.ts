/**
 * The weight-stationary partial sum in carry-save form (generator/units/carry-save.ts): which
 * configs get it, Yosys' SAT proof that the emitted carry-save adder keeps the partial sum's value
 * (sum + carries = acc + carries in + product) for split and plain products and for a product
 * wider than the accumulator, and co-simulation with the PE features that touch the partial sum
 * (zero-skip's pass-through, the pipeline registers). A dropped carry is the fault
 * `carry-save-dropped` (faults.test.ts catches it).
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import type { ResolvedConfig } from '../../generator/config/resolve.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { carryVectorExpr, chainBoundaries, chainRanges, describeChains } from '../../generator/units/carry-save.js';
import { extendExpr } from '../../generator/units/verilog.js';
import { cosim } from '../../sim/cosim.js';
import { config, written } from '../helpers/configs.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { expectCosimPassed } from '../helpers/cosim.js';
import { expectEquivalent, type EquivPair } from '../helpers/sat.js';

const text = (c: ResolvedConfig, module: string) => emitRtl(c).find((f) => f.module === `${c.name}_${module}`)!.text;

describe('chain boundaries', () => {
  it('split the sum into chains as even as can be, the lowest the longest', () => {
    expect(chainBoundaries(22, 1)).toEqual([]);
    expect(chainBoundaries(22, 2)).toEqual([11]);
    expect(chainBoundaries(22, 3)).toEqual([8, 15]);
    expect(chainRanges(22, 3)).toEqual([
      [0, 7],
      [8, 14],
      [15, 21],
    ]);
    expect(chainBoundaries(3, 3)).toEqual([1, 2]);
    expect(() => chainBoundaries(3, 4)).toThrow(/4 carry chains over a 3-bit sum/);
    expect(() => chainBoundaries(8, 0)).toThrow();
  });

  it('place each carry at its boundary in the resolving addend', () => {
    expect(carryVectorExpr('c', 22, 3)).toBe("{6'd0, c[1], 6'd0, c[0], 8'd0}");
    expect(carryVectorExpr('c', 22, 2)).toBe("{10'd0, c[0], 11'd0}");
    expect(carryVectorExpr('c', 3, 3)).toBe("{c[1], c[0], 1'd0}");
    expect(describeChains(22, 3)).toBe('bits 0-7, bits 8-14 and bits 15-21');
    expect(describeChains(3, 3)).toBe('bit 0, bit 1 and bit 2');
  });
});

describe('which PEs add in carry-save form', () => {
  it('weight-stationary Mitchell and ALM-SOA with a wrapping accumulator; nothing else', () => {
    const ws = (kind: string, extra: object = {}) =>
      config({ name: 'cs', rows: 2, cols: 2, multiplier: { kind }, ...extra });
    for (const kind of ['mitchell', 'alm-soa']) expect([kind, derive(ws(kind)).sumChains]).toEqual([kind, 3]);
    // Measured not to help the exact unit (its high product bits settle last) nor DRUM: one chain.
    for (const kind of ['exact', 'drum', 'ilm', 'asm', 'truncated'])
      expect([kind, derive(ws(kind)).sumChains]).toEqual([kind, 1]);
    expect(derive(ws('mitchell', { dataflow: 'output-stationary' })).sumChains).toBe(1);
    expect(derive(ws('mitchell', { overflow: 'saturate' })).sumChains).toBe(1);
    // The PE registers the carries only in carry-save form; the array adds the last row's in.
    const m = ws('mitchell');
    expect(text(m, 'pe')).toMatch(/reg +\[1:0\] +psc_q;/);
    expect(text(m, 'array')).toMatch(/ps_link\[ROWS\*COLS \+ c\] \+ \{6'd0, psc_bot\[1\], 6'd0, psc_bot\[0\], 8'd0\};/);
    expect(text(ws('exact'), 'pe') + text(ws('exact'), 'array')).not.toMatch(/psc/);
  });
});

/**
 * The adder of `c` inside a wrapper that outputs the value of its carry-save result, proved equal
 * to acc + carries in + product (+ pc) modulo 2^A.
 */
function adderPair(c: ResolvedConfig): EquivPair {
  const d = derive(c);
  const A = d.accBits;
  const n = d.sumChains;
  const add = text(c, 'acc_add');
  const P = Number(/input +wire \[(\d+):0\] p_i,/.exec(add)![1]) + 1;
  const split = /input +wire +pc_i,/.test(add);
  const pSigned = split || d.product.signed;
  const pExt = P > A ? `p_i[${A - 1}:0]` : extendExpr('p_i', P, A, pSigned);
  const ports = [
    `input wire [${A - 1}:0] acc_i`,
    `input wire [${n - 2}:0] acc_c_i`,
    `input wire [${P - 1}:0] p_i`,
    ...(split ? ['input wire pc_i'] : []),
    `output wire [${A - 1}:0] v_o`,
  ].join(', ');
  const gold = [
    `module gold_${c.name} (${ports});`,
    `  assign v_o = acc_i + ${carryVectorExpr('acc_c_i', A, n)} + ${pExt}${split ? ` + {${A - 1}'d0, pc_i}` : ''};`,
    'endmodule',
  ];
  const gate = [
    `module gate_${c.name} (${ports});`,
    `  wire [${A - 1}:0] sum;`,
    `  wire [${n - 2}:0] c;`,
    `  ${c.name}_acc_add u_add (.acc_i(acc_i), .acc_c_i(acc_c_i), .p_i(p_i),${split ? ' .pc_i(pc_i),' : ''} .sum_o(sum), .c_o(c));`,
    `  assign v_o = sum + ${carryVectorExpr('c', A, n)};`,
    'endmodule',
  ];
  return { source: [add, ...gold, ...gate, ''].join('\n'), gold: `gold_${c.name}`, gate: `gate_${c.name}` };
}

describe('the carry-save adder keeps the partial sum (Yosys SAT, every input)', () => {
  it('split and plain products, signed and unsigned, and a product wider than the sum', async () => {
    const cases = [
      config({ name: 'cs_mit', rows: 2, cols: 2, multiplier: { kind: 'mitchell' } }),
      config({ name: 'cs_alm_s', rows: 2, cols: 2, multiplier: { kind: 'alm-soa' } }),
      config({ name: 'cs_alm', rows: 2, cols: 2, aSigned: false, wSigned: false, multiplier: { kind: 'alm-soa' } }),
      // A 17-bit px cut to a 16-bit sum (split-product.test.ts has the same shape).
      config({
        name: 'cs_narrow',
        rows: 2,
        cols: 2,
        maxK: 1,
        aBits: 6,
        aSigned: false,
        wBits: 10,
        accBits: 16,
        multiplier: { kind: 'mitchell', fractionBits: 4, compensation: 'bias' },
      }),
    ];
    const shapes = cases.map((c) => {
      const add = text(c, 'acc_add');
      return [c.name, /input +wire +pc_i,/.test(add), /unused_p/.test(add)];
    });
    // The cases cover both product forms and the cut.
    expect(shapes).toEqual([
      ['cs_mit', true, false],
      ['cs_alm_s', true, false],
      ['cs_alm', false, false],
      ['cs_narrow', true, true],
    ]);
    await expectEquivalent(cases.map(adderPair));
  });
});

describe('pipeline.sumChains overrides the unit', () => {
  const mk = (kind: string, pipeline: object, extra: object = {}) =>
    resolveConfig(
      { ...written({ name: 'cs_knob', rows: 2, cols: 2, multiplier: { kind }, ...extra }), pipeline },
      'test',
    );

  it('1 turns it off, 2 turns it on for the exact unit, and the label says so', () => {
    const off = mk('mitchell', { sumChains: 1 });
    expect(derive(off).sumChains).toBe(1);
    expect(text(off, 'pe')).not.toMatch(/psc/);
    const ex = mk('exact', { sumChains: 2 });
    expect(derive(ex).sumChains).toBe(2);
    expect(text(ex, 'array')).toMatch(/\+ \{\d+'d0, psc_bot\[0\], \d+'d0\};/);
    // The label (file headers, reports) shows the carry-save sum, the unit's own choice included.
    expect(text(ex, 'pe')).toMatch(/\/\/ unit: exact, carry-save sum \(2 chains\)\n/);
    expect(text(mk('mitchell', {}), 'pe')).toMatch(
      /\/\/ unit: mitchell\(fractionBits=7\), carry-save sum \(3 chains\)\n/,
    );
    expect(text(off, 'pe')).toMatch(/\/\/ unit: mitchell\(fractionBits=7\)\n/);
  });

  it("the unit's own choice written out hashes as the field absent; another value does not", () => {
    const hash = (kind: string, pipeline: object, extra: object = {}) => mk(kind, pipeline, extra).hash;
    expect(hash('mitchell', { sumChains: 3 })).toBe(hash('mitchell', {}));
    expect(hash('exact', { sumChains: 1 })).toBe(hash('exact', {}));
    expect(hash('mitchell', { sumChains: 1 }, { dataflow: 'output-stationary' })).toBe(
      hash('mitchell', {}, { dataflow: 'output-stationary' }),
    );
    expect(hash('mitchell', { sumChains: 2 })).not.toBe(hash('mitchell', {}));
    expect(hash('exact', { sumChains: 2, macc: 1 })).not.toBe(hash('exact', { macc: 1 }));
    expect(mk('mitchell', { sumChains: 3 }).pipeline).toBeUndefined();
  });

  it('is refused above 1 in output-stationary and with a saturating accumulator, naming the field', () => {
    expect(() => mk('mitchell', { sumChains: 3 }, { dataflow: 'output-stationary' })).toThrow(
      /pipeline\.sumChains: expected 1 in output-stationary .*received 3/,
    );
    expect(() => mk('mitchell', { sumChains: 2 }, { overflow: 'saturate' })).toThrow(
      /pipeline\.sumChains: expected 1 with a saturating accumulator .*received 2/,
    );
    expect(() => mk('mitchell', { sumChains: 5 })).toThrow(/pipeline\.sumChains/);
    // 1 is allowed everywhere (it is the one-chain adder).
    expect(derive(mk('mitchell', { sumChains: 1 }, { dataflow: 'output-stationary' })).sumChains).toBe(1);
  });

  it('the exact unit in two chains keeps the partial sum (Yosys SAT) and co-simulates, icarus', async () => {
    const c = mk('exact', { sumChains: 2 });
    await expectEquivalent([adderPair(c)]);
    const r = await cosim(c, {
      simulator: 'icarus',
      A: [
        [127, -128, 127],
        [-128, -128, 1],
      ],
      W: [
        [127, -128],
        [127, -128],
        [-128, 127],
      ],
      seed: 9,
      stall: 10,
    });
    expectCosimPassed(r);
  });
});

describe('co-simulation of carry-save arrays', () => {
  it('Mitchell with zero-skip (a skipped MAC passes the carries on) and both pipeline registers, icarus', async () => {
    const w = written({ name: 'cs_mit_zs', rows: 3, cols: 2, maxK: 16, accDepth: 8, multiplier: { kind: 'mitchell' } });
    const c = resolveConfig(
      { ...w, zeroSkip: { activation: 0, weight: 0, gating: 'enable' }, pipeline: { multiplier: 1, macc: 1 } },
      'test',
    );
    expect(derive(c).sumChains).toBe(3);
    // Sums that cross every chain boundary in both directions, and zeros for the skip.
    const A = [
      [127, -128, 0, 127, -1, 5, 0],
      [-128, -128, 127, 0, 1, -7, 3],
      [127, 127, -128, -128, 0, 64, -64],
    ];
    const W = [
      [127, -128],
      [-128, 127],
      [0, 1],
      [127, 127],
      [-1, 0],
      [33, -33],
      [-128, -128],
    ];
    const r = await cosim(c, { simulator: 'icarus', A, W, seed: 3, stall: 20 });
    expectCosimPassed(r);
    expect(r.results).toBeGreaterThan(0);
  });
});
