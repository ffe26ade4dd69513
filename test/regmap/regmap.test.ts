/**
 * The register map is described once (generator/regmap/regmap.ts); the C header, the JSON and the
 * Markdown table emitted into the generated folder are parsed back here and must agree with each
 * other and with the description. Also: the AXI wrapper files are emitted only for interface "axi",
 * are deterministic, and pass the three-tool lint for both dataflows.
 */
import { describe, expect, it } from 'vitest';
import { config, written } from '../helpers/configs.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { derive } from '../../generator/config/derive.js';
import { generate } from '../../generator/emit/generate.js';
import { axiTopModule, axisWidths } from '../../generator/axi/emit.js';
import { ID_MAGIC, regMap, resetValue, versionWord } from '../../generator/regmap/regmap.js';
import { GENERATOR_VERSION } from '../../generator/version.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';

const axiConfig = (
  extra: Record<string, unknown> = {},
  shape: Parameters<typeof written>[0] = { name: 'rm', rows: 3, cols: 2, aBits: 5 },
) => resolveConfig({ ...written(shape), interface: 'axi', ...extra }, 'test');

interface Parsed {
  offset: number;
  reset: number;
  fields: Map<string, { lsb: number; width: number; mask: number }>;
}

function parseHeader(h: string, prefix: string): Map<string, Parsed> {
  const regs = new Map<string, Parsed>();
  const P = prefix.toUpperCase();
  for (const m of h.matchAll(new RegExp(`^#define ${P}_(\\w+?)_OFFSET (0x[0-9A-F]{8})u$`, 'gm'))) {
    regs.set(m[1]!, { offset: Number(m[2]), reset: NaN, fields: new Map() });
  }
  for (const [name, r] of regs) {
    const rm = new RegExp(`^#define ${P}_${name}_RESET (0x[0-9A-F]{8})u$`, 'm').exec(h);
    r.reset = Number(rm?.[1]);
    for (const f of h.matchAll(new RegExp(`^#define ${P}_${name}_(\\w+)_LSB (\\d+)u$`, 'gm'))) {
      const w = new RegExp(`^#define ${P}_${name}_${f[1]}_WIDTH (\\d+)u$`, 'm').exec(h);
      const mk = new RegExp(`^#define ${P}_${name}_${f[1]}_MASK (0x[0-9A-F]{8})u$`, 'm').exec(h);
      r.fields.set(f[1]!, { lsb: Number(f[2]), width: Number(w?.[1]), mask: Number(mk?.[1]) });
    }
  }
  return regs;
}

describe('register map outputs', () => {
  const c = axiConfig();
  const d = derive(c);
  const m = regMap(c, d);
  const out = new Map(generate(c).out.map((f) => [f.name, f.text]));

  it('is written into the generated folder only for interface "axi"', () => {
    for (const n of [
      'regmap.h',
      'regmap.md',
      'regmap.json',
      'rm_axi_top.v',
      'rm_csr.v',
      'rm_axis_skid.v',
      'rm_rst_sync.v',
    ])
      expect(out.has(n), n).toBe(true);
    const plain = new Set(generate(config({ name: 'rm', rows: 3, cols: 2 })).out.map((f) => f.name));
    expect([...plain].filter((n) => /regmap|axi|csr|skid|rst_sync/.test(n))).toEqual([]);
    expect(out.get('files.f')).toContain('rm_axi_top.v');
  });

  it('has unique, aligned offsets inside the 8-bit space and fields inside 32 bits', () => {
    const offs = m.registers.map((r) => r.offset);
    expect(new Set(offs).size).toBe(offs.length);
    for (const r of m.registers) {
      expect(r.offset % 4).toBe(0);
      expect(r.offset).toBeLessThan(256);
      let used = 0n;
      for (const f of r.fields) {
        expect(f.lsb + f.width).toBeLessThanOrEqual(32);
        const mask = ((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb);
        expect(used & mask, `${r.name}.${f.name} overlaps`).toBe(0n);
        used |= mask;
      }
    }
  });

  it('C header, JSON and Markdown agree with the TypeScript description and with each other', () => {
    const h = parseHeader(out.get('regmap.h')!, 'rm');
    const j = JSON.parse(out.get('regmap.json')!) as {
      registers: {
        name: string;
        offset: number;
        access: string;
        reset: number;
        fields: { name: string; lsb: number; width: number }[];
      }[];
    };
    const md = out.get('regmap.md')!;
    const mdRows = [...md.matchAll(/^\| (0x[0-9A-F]{8}) \| (\w+) \| (\w+) \| (0x[0-9A-F]{8}) \|/gm)].map((x) => ({
      offset: Number(x[1]),
      name: x[2]!,
      access: x[3]!,
      reset: Number(x[4]),
    }));
    expect(h.size).toBe(m.registers.length);
    expect(j.registers.length).toBe(m.registers.length);
    expect(mdRows.length).toBe(m.registers.length);
    m.registers.forEach((r, i) => {
      const hr = h.get(r.name)!;
      const jr = j.registers[i]!;
      const mr = mdRows[i]!;
      expect(hr, r.name).toBeDefined();
      expect([hr.offset, jr.offset, mr.offset]).toEqual([r.offset, r.offset, r.offset]);
      expect([jr.name, mr.name]).toEqual([r.name, r.name]);
      expect([jr.access, mr.access]).toEqual([r.access, r.access]);
      expect([hr.reset, jr.reset, mr.reset]).toEqual([resetValue(r), resetValue(r), resetValue(r)]);
      expect(jr.fields.map((f) => [f.name, f.lsb, f.width])).toEqual(r.fields.map((f) => [f.name, f.lsb, f.width]));
      expect([...hr.fields].map(([n, f]) => [n, f.lsb, f.width])).toEqual(
        r.fields.map((f) => [f.name, f.lsb, f.width]),
      );
      for (const [n, f] of hr.fields)
        expect(f.mask, `${r.name}.${n}`).toBe(Number(((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb)));
    });
  });

  it('identifies the accelerator: magic, generator version, config hash, shape', () => {
    const val = (n: string) => resetValue(m.registers.find((r) => r.name === n)!);
    expect(val('ID_MAGIC')).toBe(ID_MAGIC);
    expect(val('ID_VERSION')).toBe(versionWord(GENERATOR_VERSION));
    const hash = [0, 1, 2, 3].map((i) => val(`ID_HASH${i}`).toString(16).padStart(8, '0')).join('');
    expect(hash).toBe(c.hash.slice(0, 32));
    expect(val('ID_SHAPE')).toBe(3 | (2 << 8) | (5 << 16) | (8 << 24));
    // the same constants are in the CSR block
    expect(out.get('rm_csr.v')).toContain(`32'h${ID_MAGIC.toString(16)}`);
    expect(out.get('rm_csr.v')).toContain(`32'h${c.hash.slice(0, 8).replace(/^0+/, '')}`);
  });

  it('derives byte-multiple TDATA widths from the config and documents them in the top', () => {
    expect(axisWidths(d)).toEqual({
      w: 16,
      a: 16,
      y: Math.ceil((2 * d.accBits) / 8) * 8,
      p: 0,
      wLanes: 16,
      aLanes: 15,
      yLanes: 2 * d.accBits,
      pLanes: 0,
    });
    expect(out.get('rm_axi_top.v')).toContain('TDATA 16 bits = 3 lanes x 5 bits, TDATA[15:15] ignored');
  });

  it('is deterministic', () => {
    const again = generate(axiConfig());
    expect(again.out.map((f) => f.text)).toEqual([...out.values()]);
  });

  it.each([
    ['weight-stationary exact', axiConfig()],
    [
      'output-stationary mitchell',
      axiConfig(
        {},
        {
          name: 'rmo',
          rows: 2,
          cols: 3,
          dataflow: 'output-stationary',
          multiplier: { kind: 'mitchell', fractionBits: 3 },
        },
      ),
    ],
  ])('the emitted AXI IP (%s) is lint-clean in Verilator, Icarus and Yosys', async (_n, cc) => {
    const g = generate(cc);
    expect(lintProblems(await lintFiles(g.files, axiTopModule(cc)))).toBe('');
  });
});
