/**
 * DRUM: the golden model against an independent, bit-string reading of the definition (Hashemi,
 * Bahar, Reda, ICCAD 2015; docs/units.md) for every k at 8 bits, the published 8×8 error figures,
 * the schema and rules, and lint of the emitted modules. (RTL vs model, exhaustively at 8 bits in
 * both simulators: test/units/exhaustive.test.ts, from the unit's declared samples.)
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { errorMetrics } from '../../generator/metrics/metrics.js';
import { drum, drumUnit } from '../../generator/units/drum.js';
import type { UnitContext } from '../../generator/units/types.js';
import { unitVariant } from '../../sim/unit-harness.js';
import { describeSweepAxes, itLintsClean } from '../helpers/units.js';
import { expectEquivalent } from '../helpers/sat.js';

/** The definition on bit strings: keep k characters from the first '1', set the last kept to '1', pad with '0'. */
function keptByString(A: number, k: number): number {
  const bits = A.toString(2);
  if (bits.length <= k) return A;
  const kept = bits.slice(0, k - 1) + '1';
  return parseInt(kept + '0'.repeat(bits.length - k), 2);
}

const u8: UnitContext = { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } };
const s8: UnitContext = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };
const full = (k: number, share = true) => ({
  kind: 'drum' as const,
  k,
  share,
  product: 'logic' as const,
  shift: 'binary' as const,
});

describe('DRUM golden model', () => {
  it('equals the bit-string definition on every 8-bit pair, k = 3..8, unsigned and sign-magnitude', () => {
    for (let k = 3; k <= 8; k++) {
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++) {
          const want = keptByString(a, k) * keptByString(b, k);
          if (drumUnit.multiply(a, b, full(k), u8) !== want) throw new Error(`k=${k}: ${a}·${b}`);
        }
      for (let a = -128; a < 128; a++)
        for (let b = -128; b < 128; b++) {
          const m = keptByString(Math.abs(a), k) * keptByString(Math.abs(b), k);
          const want = a < 0 !== b < 0 ? -m : m;
          if (drumUnit.multiply(a, b, full(k), s8) !== want) throw new Error(`k=${k} signed: ${a}·${b}`);
        }
    }
    // Worked example: 200 = 11001000b, k = 4 keeps 1100 → 1101, times 2^4 = 208; 6 passes exactly.
    expect(drumUnit.multiply(200, 6, full(4), u8)).toBe(208 * 6);
    expect(drumUnit.multiply(8, 8, full(8), u8)).toBe(64);
  });

  it('k = N is exact; sign-magnitude errors are symmetric; the range includes the overestimate of |−128|', () => {
    for (let a = 0; a < 256; a += 7)
      for (let b = 0; b < 256; b += 5) expect(drumUnit.multiply(a, b, full(8), u8)).toBe(a * b);
    expect(drumUnit.multiply(-100, 37, full(4), s8)).toBe(-drumUnit.multiply(100, 37, full(4), s8));
    // |−128| with k = 3: 100 kept → 101 · 2^5 = 160, so (−128)(−128) gives 25,600 > 128²; 127 keeps 111 · 2^4 = 112, so the most negative is −160·112.
    expect(drumUnit.productRange(full(3), s8)).toEqual({ min: -17920, max: 25600 });
  });

  it('reproduces the published 8×8 unsigned MRE: 12.10 / 5.89 / 2.84 / 1.30 % for k = 3 / 4 / 5 / 6', () => {
    const mre = [3, 4, 5, 6].map((k) => {
      const c = resolveConfig({
        name: 'dr',
        array: { rows: 1, cols: 1 },
        precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
        multiplier: drum({ k }),
      });
      const m = errorMetrics(c);
      expect(m.exhaustive).toBe(true);
      return m.mrePct.toFixed(2);
    });
    expect(mre).toEqual(['12.10', '5.89', '2.84', '1.30']);
  });
});

describe('DRUM config', () => {
  const written = (m: Record<string, unknown>, bits = 8) => ({
    name: 'dr',
    array: { rows: 2, cols: 2 },
    precision: { activation: { bits }, weight: { bits } },
    multiplier: m,
  });
  it('defaults: k = 6, shared, the product as logic', () => {
    expect(resolveConfig(written(drum())).multiplier).toEqual({
      kind: 'drum',
      k: 6,
      share: true,
      product: 'logic',
      shift: 'binary',
    });
  });
  it('rejects k below 3 and k above the operand width, naming the path', () => {
    for (const [m, bits, re] of [
      [{ kind: 'drum', k: 2 }, 8, /multiplier\.k/],
      [{ kind: 'drum', k: 9 }, 8, /multiplier\.k: expected at most 8 \(the wider operand width\), received 9$/m],
    ] as const) {
      let msg = '';
      try {
        resolveConfig(written(m, bits));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        msg = e.message;
      }
      expect(msg).toMatch(re);
    }
  });
});

describe('DRUM RTL', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('dr_a', U(8), U(8), { kind: 'drum', k: 4 }),
    unitVariant('dr_b', S(8), U(5), { kind: 'drum', k: 5, share: false }),
    unitVariant('dr_c', S(2), S(16), { kind: 'drum', k: 3 }),
    unitVariant('dr_d', S(8), S(8), { kind: 'drum', k: 4, product: 'carry-chain' }),
    unitVariant('dr_e', S(8), S(8), { kind: 'drum', k: 4, shift: 'one-hot' }),
  ];
  itLintsClean(cases);
  it('with share=true the leading-one logic is at the edge and the PE keeps a k×k multiplier', () => {
    const f = emitUnit(cases[0]!);
    expect(f.find((x) => x.module === 'dr_a_act_pre')!.text).toMatch(/mag\[7\] \? 3'd4 :/);
    const mul = f.find((x) => x.module === 'dr_a_mul')!.text;
    // The 4×4 product as logic (logicmul.ts): 16 partial products, no `*`.
    expect(mul).toMatch(/wire \[7:0\] +mp += \{mp_/);
    expect(mul.match(/wire +mp_pp\d+ += ka\[\d\] & kw\[\d\];/g)).toHaveLength(16);
    expect(mul).not.toContain(' * ');
    expect(mul).not.toMatch(/mag\[7\] \?/);
  });
  it("with product: 'carry-chain' the k×k product is one `*` of the kept values, no gates", () => {
    const mul = emitUnit(cases[3]!).find((x) => x.module === 'dr_d_mul')!.text;
    expect(mul).toMatch(/wire \[7:0\] +mp += \{4'd0, ka\} \* \{4'd0, kw\};/);
    expect(mul).not.toMatch(/mp_pp\d/);
    expect(mul).toContain('(product: carry-chain)');
  });
});

describe('DRUM target hints (axgen synth --target, axgen fpga)', () => {
  it('suggests the carry-chain product on Xilinx, the logic product and (k = 4) the one-hot shift on iCE40, only where the other form is set', async () => {
    const { targetHintsOf } = await import('../../generator/units/index.js');
    const logic = full(4);
    const chain = { ...logic, product: 'carry-chain' as const };
    const oneHot = { ...logic, shift: 'one-hot' as const };
    expect(targetHintsOf(logic, 'xilinx')).toEqual([
      expect.stringMatching(/^multiplier\.product: 'carry-chain' .*90 against 108 LUT6/),
    ]);
    expect(targetHintsOf(chain, 'ice40')).toEqual([
      expect.stringMatching(/^multiplier\.product: 'logic' .*71\.9 against 64\.3 MHz/),
    ]);
    // k = 4 (the fmax table's DRUM) on iCE40: the one-hot shift for arrays without stages.
    expect(targetHintsOf(logic, 'ice40')).toEqual([
      expect.stringMatching(/^multiplier\.shift: 'one-hot' .*without pipeline stages.*78\.1 against 71\.9 MHz/),
    ]);
    expect(targetHintsOf(oneHot, 'ice40')).toEqual([]);
    // With PE stages the binary shift is the faster: no one-hot advice, and one-hot is advised back.
    expect(targetHintsOf(logic, 'ice40', { stages: true })).toEqual([]);
    expect(targetHintsOf(oneHot, 'ice40', { stages: true })).toEqual([
      expect.stringMatching(/^multiplier\.shift: 'binary' .*115\.9 against 109\.3 MHz/),
    ]);
    expect(targetHintsOf(full(3), 'ice40')).toEqual([]);
    expect(targetHintsOf(chain, 'xilinx')).toEqual([]);
    expect(targetHintsOf(logic, 'generic')).toEqual([]);
    // README area table: the carry-chain form is the smaller on Xilinx up to k = 5 with shared edges
    // and at every k without them; at k = 6 with shared edges the logic form is, and is advised back.
    expect(targetHintsOf(full(3), 'xilinx')).toHaveLength(1);
    expect(targetHintsOf(full(5), 'xilinx')).toHaveLength(1);
    expect(targetHintsOf(full(6), 'xilinx')).toEqual([]);
    expect(targetHintsOf(full(6, false), 'xilinx')).toHaveLength(1);
    const chain6 = { ...full(6), product: 'carry-chain' as const };
    expect(targetHintsOf(chain6, 'xilinx')).toEqual([
      expect.stringMatching(/^multiplier\.product: 'logic' .*143 against 150 LUT6/),
    ]);
  });
});

describeSweepAxes(
  'drum',
  { 'multiplier.k': [3, 4, 6], 'multiplier.share': [true, false], 'multiplier.product': ['logic', 'carry-chain'] },
  { 'multiplier.k': [2], 'multiplier.product': ['wallace'] },
);

/**
 * The multiplier with share=false (both encoders and the core, raw operands in) against a
 * reference written straight from the definition: each magnitude's kept value by a loop over its
 * bits, the two multiplied, the sign restored. Yosys' SAT solver proves p_o equal for every
 * operand pair, so widths past the exhaustive 8 bits are covered too, with the split product
 * (split_ok: sext(px_o) + pc_o = p_o) where the multiplier has one.
 */
describe('DRUM multiplier equals the definition (Yosys SAT)', () => {
  const S = (bits: number) => ({ bits, signed: true });
  const U = (bits: number) => ({ bits, signed: false });
  const cases = [
    unitVariant('sat_a', S(8), S(8), { kind: 'drum', k: 4, share: false }),
    unitVariant('sat_b', U(8), U(8), { kind: 'drum', k: 3, share: false }),
    unitVariant('sat_c', S(12), U(10), { kind: 'drum', k: 5, share: false }),
    unitVariant('sat_d', S(2), S(16), { kind: 'drum', k: 3, share: false }),
    unitVariant('sat_e', S(12), U(10), { kind: 'drum', k: 5, share: false, product: 'carry-chain' }),
    unitVariant('sat_f', S(12), U(10), { kind: 'drum', k: 5, share: false, shift: 'one-hot' }),
    unitVariant('sat_g', S(8), S(8), { kind: 'drum', k: 4, share: false, shift: 'one-hot' }),
  ];

  /** Reference module `ref_<name>` with the emitted multiplier's operand and product ports. */
  function reference(name: string, mul: string, k: number, aSigned: boolean, wSigned: boolean): string {
    const width = (port: string) => Number(new RegExp(`\\[(\\d+):0\\]\\s+${port}\\b`).exec(mul)![1]) + 1;
    const [A, W, P] = [width('a_enc_i'), width('w_enc_i'), width('p_o')];
    const keep = (M: number, fn: string) => [
      `  function [${M - 1}:0] ${fn};`,
      `    input [${M - 1}:0] m;`,
      '    integer i, t;',
      '    begin',
      '      t = 0;',
      `      for (i = 0; i < ${M}; i = i + 1) if (m[i]) t = i;`,
      `      if (t < ${k}) ${fn} = m;`,
      `      else ${fn} = ((m >> (t - ${k - 1})) | 1) << (t - ${k - 1});`,
      '    end',
      '  endfunction',
    ];
    const mag = (x: string, n: number, signed: boolean) => (signed ? `(${x}[${n - 1}] ? -${x} : ${x})` : x);
    const neg = [aSigned ? `a_enc_i[${A - 1}]` : '', wSigned ? `w_enc_i[${W - 1}]` : ''].filter(Boolean);
    return [
      `module ref_${name} (input wire [${A - 1}:0] a_enc_i, input wire [${W - 1}:0] w_enc_i, output wire [${P - 1}:0] p_o, output wire split_ok);`,
      ...keep(A, 'keep_a'),
      ...keep(W, 'keep_w'),
      `  wire [${A - 1}:0] ma = ${mag('a_enc_i', A, aSigned)};`,
      `  wire [${W - 1}:0] mw = ${mag('w_enc_i', W, wSigned)};`,
      `  wire [${P - 1}:0] prod = keep_a(ma) * keep_w(mw);`,
      `  assign p_o = ${neg.length ? `(${neg.join(' ^ ')}) ? -prod : prod` : 'prod'};`,
      "  assign split_ok = 1'b1;",
      'endmodule',
      '',
    ].join('\n');
  }

  /**
   * The emitted multiplier wrapped as `dut_<name>` with the reference's ports: p_o, and split_ok
   * for its split form (sext(px_o) + pc_o = p_o modulo 2^P; 1 when it has none).
   */
  function dut(name: string, mul: string): string {
    const width = (port: string) => Number(new RegExp(`\\[(\\d+):0\\]\\s+${port}\\b`).exec(mul)?.[1] ?? -1) + 1;
    const [A, W, P, X] = [width('a_enc_i'), width('w_enc_i'), width('p_o'), width('px_o')];
    const split = X > 0;
    const pxP = X >= P ? `px[${P - 1}:0]` : `{{${P - X}{px[${X - 1}]}}, px}`;
    return [
      `module dut_${name} (input wire [${A - 1}:0] a_enc_i, input wire [${W - 1}:0] w_enc_i, output wire [${P - 1}:0] p_o, output wire split_ok);`,
      ...(split ? [`  wire [${X - 1}:0] px;`, '  wire pc;'] : []),
      `  ${name}_mul u_mul (.a_enc_i(a_enc_i), .w_enc_i(w_enc_i), .p_o(p_o)${split ? ', .px_o(px), .pc_o(pc)' : ''});`,
      `  assign split_ok = ${split ? `(${pxP} + {${P - 1}'d0, pc}) == p_o` : "1'b1"};`,
      'endmodule',
      '',
    ].join('\n');
  }

  it(`proves p_o for ${cases.map((c) => c.name).join(', ')}`, async () => {
    await expectEquivalent(
      cases.map((c) => {
        const files = emitUnit(c);
        const mul = files.find((f) => f.module === `${c.name}_mul`)!.text;
        const m = c.multiplier as { k: number };
        const source = [
          ...files.filter((f) => /_(mul|core|enc_act|enc_wgt)$/.test(f.module)).map((f) => f.text),
          reference(c.name, mul, m.k, c.precision.activation.signed, c.precision.weight.signed),
          dut(c.name, mul),
        ].join('\n');
        return { source, gold: `ref_${c.name}`, gate: `dut_${c.name}`, ignoreGoldX: true };
      }),
    );
  });
});
