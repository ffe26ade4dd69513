/**
 * Gate-level co-simulation (issue 11): the netlists Yosys makes of a 2×2 array, for every target
 * and DSP mode, run through the same checker and golden model as the RTL; the sign-extended exact
 * multiplier (the form that Yosys 0.23 mis-maps to an unsigned SB_MAC16) is refused; the standalone
 * multipliers of every unit kind pass at gate level in one batched build. Icarus (the netlists are
 * new on every change of the RTL, so a Verilator build would cost more than the run saves).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { emitUnit } from '../../generator/emit/unit.js';
import { interfaceOf } from '../../generator/interface/index.js';
import { casesFor } from '../../sim/cases.js';
import { cosim } from '../../sim/cosim.js';
import { faultNamed } from '../../sim/faults.js';
import { flowLabel, formatGateReport, GATE_FLOWS, gateCheckUnits, gateCosim } from '../../sim/gate.js';
import { describeFailures, unitVariant } from '../../sim/unit-harness.js';
import { samplesOf, units } from '../../generator/units/index.js';

// The configuration of the issue: 2×2 exact, signed int8, AXI (the stream core is what is checked).
const s8Written = {
  name: 'fpga_s8',
  array: { rows: 2, cols: 2, maxK: 64, accDepth: 16 },
  precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
  multiplier: { kind: 'exact' },
  interface: 'axi',
};
const s8 = resolveConfig(s8Written, 'issue 11 repro');
const opts = { simulators: ['icarus' as const], seed: 3, stall: 0.1, source: 'fpga_s8.json' };
const fault = faultNamed('sign-extended-exact-mul');

describe('gate-level co-simulation of a 2x2 signed int8 exact array', () => {
  it.each(GATE_FLOWS.map((f) => [flowLabel(f), f] as const))(
    '%s netlist matches the golden model',
    async (_l, flow) => {
      const r = await gateCosim(s8, { ...opts, flow });
      expect(r.passed, formatGateReport(r)).toBe(true);
      const run = r.runs[0]!;
      expect(run.commands).toBeGreaterThan(8);
      expect(run.resultBeats).toBeGreaterThan(30);
      // The DSP flows really put the multipliers into DSP blocks, the others into logic.
      const dsps = (r.gate.cells.SB_MAC16 ?? 0) + (r.gate.cells.DSP48E1 ?? 0);
      expect(dsps, JSON.stringify(r.gate.cells)).toBe(flow.dsp ? 4 : 0);
      // A netlist, not the RTL: only primitive cells (no axgen module survives flattening).
      expect(
        Object.keys(r.gate.cells).some((k) => k.startsWith('fpga_s8_')),
        JSON.stringify(r.gate.cells),
      ).toBe(false);
    },
  );
});

describe('axgen synth --verify', () => {
  const work = mkdtempSync(join(tmpdir(), 'axgen-gate-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  it('checks both ice40 variants of the repro config and records them in --json (the netlists come from the shared cache)', async () => {
    const file = join(work, 'fpga_s8.json');
    writeFileSync(file, JSON.stringify(s8Written));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = await execa(
      'node',
      [
        join(root, 'bin/axgen.js'),
        'synth',
        file,
        '--target',
        'ice40',
        '--verify',
        '--seed',
        '3',
        '--json',
        join(work, 'r.json'),
      ],
      { cwd: root, reject: false, all: true },
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/gate-level ice40 nodsp: fpga_s8_top netlist/);
    expect(r.all).toMatch(/gate-level ice40 dsp: fpga_s8_top netlist \(synth_ice40 -dsp .*4 SB_MAC16/);
    const j = JSON.parse(readFileSync(join(work, 'r.json'), 'utf8')) as {
      verification: { flow: string; passed: boolean }[];
    };
    expect(j.verification.map((v) => [v.flow, v.passed])).toEqual([
      ['ice40 nodsp', true],
      ['ice40 dsp', true],
    ]);
  });
});

describe('the sign-extended exact multiplier (issue 11) as an injected fault', () => {
  const rtl = fault.inject(emitRtl(s8), s8);

  it('is right in RTL simulation (so only the gate-level check can catch it)', async () => {
    expect(rtl.find((f) => f.module === 'fpga_s8_mul')!.text).toMatch(
      /wire \[15:0\] a_ext = .*\n.*\n\s+assign p_o = a_ext \* w_ext;/,
    );
    const r = await cosim(s8, {
      simulator: 'icarus',
      cases: casesFor(s8, derive(s8), { seed: 3 }),
      seed: 3,
      stall: 26,
      rtl,
    });
    expect(r.passed).toBe(true);
  });

  it('is refused at gate level on ice40 with DSPs, naming element, operands, expected, actual and cycle', async () => {
    const r = await gateCosim(s8, { ...opts, flow: { target: 'ice40', dsp: true }, rtl });
    expect(r.passed).toBe(false);
    expect(r.gate.cells.SB_MAC16).toBe(4);
    const m = r.runs[0]!.mismatches[0]!;
    expect(m.row).not.toBeNull();
    expect(m.operands).toMatch(/-?\d+\*-?\d+ \+ /);
    expect(m.cycle).toBeGreaterThan(0);
    expect(m.actual).not.toBe(m.expected);
    const text = formatGateReport(r);
    expect(text).toMatch(/gate-level ice40 dsp: fpga_s8_top netlist \(synth_ice40 -dsp -top fpga_s8_top; .*4 SB_MAC16/);
    expect(text).toMatch(/mismatch: .* row \d+, column \d+: expected -?\d+, actual -?\d+, cycle \d+/);
    expect(text).toMatch(/replay: axgen synth fpga_s8\.json --target ice40 --verify/);
  });
});

describe('the whole AXI IP at gate level (what axgen fpga puts in the bitstream)', () => {
  const flow = { target: 'ice40', dsp: true } as const;
  it('synthesizes <name>_axi_top with its CSR block and drives the netlist through the AXI ports', async () => {
    const r = await gateCosim(s8, { ...opts, flow, ip: true, replay: 'axgen fpga fpga_s8.json --device up5k' });
    expect(r.passed, formatGateReport(r)).toBe(true);
    expect(r.gate.top).toBe('fpga_s8_axi_top');
    expect(r.dut.interface).toBe('axi');
    expect(r.gate.cells.SB_MAC16).toBe(4);
    expect(r.runs[0]!.commands).toBeGreaterThan(8);
    expect(r.replay).toBe('axgen fpga fpga_s8.json --device up5k');
    expect(formatGateReport(r)).toMatch(/through its AXI4-Lite and AXI4-Stream ports/);
  });

  it('refuses the IP netlist with the sign-extended multiplier fault', async () => {
    const rtl = [...fault.inject(emitRtl(s8), s8), ...interfaceOf(s8).rtl(s8)];
    const r = await gateCosim(s8, { ...opts, flow, ip: true, rtl });
    expect(r.passed).toBe(false);
    expect(r.runs[0]!.mismatches.length + r.runs[0]!.problems.length).toBeGreaterThan(0);
  });
});

describe('the pipelined exact array (pipeline.multiplier=1) with DSP48E1', () => {
  // The split product's cut registers, packed by xilinx_dsp into the DSP48E1's MREG: Yosys 0.23
  // dropped the sign-bit copies of a register wider than its multiply (off by multiples of 2^13).
  // The other flows of this config run in scripts/gate-matrix.ts (regress:full).
  const p8 = resolveConfig({ ...s8Written, name: 'fpga_p8', pipeline: { multiplier: 1 } }, 'pipelined exact');
  const flow = { target: 'xilinx', dsp: true } as const;
  const wide = faultNamed('wide-cut-exact-mul');

  it('the netlist matches the golden model', async () => {
    const r = await gateCosim(p8, { ...opts, flow });
    expect(r.passed, formatGateReport(r)).toBe(true);
    expect(r.runs[0]!.resultBeats).toBeGreaterThan(30);
    expect(r.gate.cells.DSP48E1, JSON.stringify(r.gate.cells)).toBe(8);
  });

  it('the wide-register form (the wide-cut-exact-mul fault) is right in RTL and refused at gate level', async () => {
    const bad = wide.inject(emitRtl(p8), p8);
    expect(bad.find((f) => f.module === 'fpga_p8_mul')!.text).toMatch(
      /reg +\[15:0\] pp_lo;[^]*assign p_o = pp_lo \+ \(pp_hi << 4\);/,
    );
    const [gate, rtl] = await Promise.all([
      gateCosim(p8, { ...opts, flow, rtl: bad }),
      cosim(p8, { simulator: 'icarus', cases: casesFor(p8, derive(p8), { seed: 3 }), seed: 3, stall: 26, rtl: bad }),
    ]);
    expect(rtl.passed).toBe(true);
    expect(gate.passed).toBe(false);
    expect(gate.gate.cells.DSP48E1).toBe(8);
    const m = gate.runs[0]!.mismatches[0]!;
    expect(m.row).not.toBeNull();
    expect(m.cycle).toBeGreaterThan(0);
    // Off by a multiple of 2^13: the copies of pp_lo's sign bit (product bits 13..15) read 0.
    expect((BigInt(m.actual) - BigInt(m.expected)) % 8192n).toBe(0n);
  });
});

describe('standalone multipliers of every unit kind at gate level (ice40 -dsp, one batched build)', () => {
  // Gate-level Icarus runs about 1,000 times slower than RTL: int8 for the signed exact
  // case, 6-bit operands (4,096 pairs each, still exhaustive) for the rest.
  const s = { bits: 8, signed: true };
  const s6 = { bits: 6, signed: true };
  const u6 = { bits: 6, signed: false };
  const variants = [
    unitVariant('g_exact_ss', s, s, { kind: 'exact' }),
    unitVariant('g_exact_su', s6, u6, { kind: 'exact' }),
    unitVariant('g_exact_us', u6, s6, { kind: 'exact' }),
    unitVariant('g_exact_uu', u6, u6, { kind: 'exact' }),
    unitVariant('g_exact_s6u4', s6, { bits: 4, signed: false }, { kind: 'exact' }),
    unitVariant('g_mitchell', s6, s6, { kind: 'mitchell', fractionBits: 3, unbias: true }),
    unitVariant('g_ilm', u6, u6, { kind: 'ilm', corrections: 1 }),
    unitVariant('g_asm', s6, s6, { kind: 'asm', alphabet: [1, 3, 5, 7] }),
    // Every other registered kind: its first declared exhaustive sample, operands cut to 6 bits; a
    // unit with fixed operand formats (binary's packed words, an imported circuit's ports) instead
    // runs its narrowest exhaustive sample as declared.
    ...units
      .filter((u) => !['exact', 'mitchell', 'ilm', 'asm'].includes(u.kind))
      .map((u) => {
        const sm = samplesOf(u);
        const width = (x: (typeof sm.exhaustive)[number]) => x.activation.bits + x.weight.bits;
        const x = sm.operands ? [...sm.exhaustive].sort((p, q) => width(p) - width(q))[0]! : sm.exhaustive[0]!;
        const six = (o: { bits: number; signed: boolean }) =>
          sm.operands ? o : { bits: Math.min(o.bits, 6), signed: o.signed };
        return unitVariant(`g_${u.kind.replace(/[^a-z0-9]/g, '_')}`, six(x.activation), six(x.weight), {
          kind: u.kind,
          ...x.params,
        });
      }),
  ];

  it('every registered kind is covered', () => {
    for (const k of units.map((x) => x.kind))
      expect(
        variants.some((v) => v.multiplier.kind === k),
        k,
      ).toBe(true);
  });

  it('all pairs match the golden models; the sign-extended exact form is wrong in its netlist only', async () => {
    const bad = unitVariant('g_exact_bad', s, s, { kind: 'exact' });
    const r = await gateCheckUnits([...variants, bad], { target: 'ice40', dsp: true }, 'icarus', {
      rtl: { g_exact_bad: fault.inject(emitUnit(bad), bad) },
    });
    const good = r.variants.slice(0, -1);
    expect(
      good.every((v) => v.errors === 0 && v.exhaustive && v.checked === v.vectors),
      describeFailures(r),
    ).toBe(true);
    expect(r.problems).toEqual([]);
    for (const name of ['g_exact_ss', 'g_exact_su', 'g_exact_us', 'g_exact_uu'])
      expect(r.cells[name]!.SB_MAC16, name).toBe(1);
    // The figures: wrong on 48,895 of 65,536 pairs, e.g. -128 × -127 → 16512.
    const b = r.variants.at(-1)!;
    expect(b.errors).toBe(48_895);
    expect(r.cells.g_exact_bad!.SB_MAC16).toBe(1);
    expect(b.mismatches.length).toBeGreaterThan(0);
    for (const m of b.mismatches) expect(m.expected).toBe(m.a * m.w);
  });
});
