/**
 * Hierarchical synthesis of a tiny design (1×2 array, 8-bit exact, so the DSP variants map the
 * multiplier) for each target: the figures parse, the DSP variants differ as expected, and the
 * whole-array figures are per-PE × PE count + rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { runAxgen } from '../helpers/cli.js';
import { filesUnder, synthesisRtl, synthesize, type SynthResult } from '../../generator/estimate/synth.js';
import { TARGET_DEFS, TARGETS } from '../../generator/estimate/targets.js';

const tiny = resolveConfig({
  name: 'tiny_synth',
  array: { rows: 1, cols: 2, maxK: 16, accDepth: 4 },
  precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
  multiplier: { kind: 'exact' },
});

/** The resolved config with some fields changed, resolved again. */
function variant(patch: Record<string, unknown>) {
  const w: Record<string, unknown> = { ...structuredClone(tiny), ...patch };
  delete w.hash;
  return resolveConfig(w);
}

beforeAll(() => {
  process.env.AXGEN_CACHE = mkdtempSync(join(tmpdir(), 'axgen-synth-test-'));
});
afterAll(() => {
  rmSync(process.env.AXGEN_CACHE!, { recursive: true, force: true });
});

describe('synthesis RTL', () => {
  it('is emitted under a fixed name without provenance headers, so it does not depend on the config name', () => {
    const a = synthesisRtl(tiny);
    const b = synthesisRtl(variant({ name: 'other_name' }));
    expect(a.files).toEqual(b.files);
    expect(a.files.every((f) => !f.text.includes('tiny_synth') && !f.text.startsWith('//'))).toBe(true);
    const pe = filesUnder(a.files, a.pe).map((f) => f.name);
    expect(pe).toContain(`${a.pe}.v`);
    expect(pe).not.toContain(`${a.top}.v`);
  });
});

describe.each(TARGETS)('hierarchical synthesis for %s', (target) => {
  let r: SynthResult;
  beforeAll(async () => {
    r = await synthesize(tiny, target);
  });

  it('combines per-PE × PE count + rest for every figure of every variant', () => {
    expect(r.hierarchical).toBe(true);
    expect(r.peCount).toBe(2);
    expect(r.tool).toMatch(/^Yosys \d+\.\d+/);
    for (const v of r.variants) {
      for (const k of TARGET_DEFS[target].figureKeys) expect(v.total[k]).toBe(v.pe[k]! * 2 + v.rest[k]!);
    }
    expect(r.area.total).toBe(r.variants[0]!.total[TARGET_DEFS[target].areaFigure]);
    expect(r.area.perPe).toBeGreaterThan(0);
  });

  it('reports the figures the target is about', () => {
    const [primary, dsp] = r.variants;
    if (target === 'ice40') {
      expect(primary!.pe.lut4).toBeGreaterThan(20);
      expect(primary!.pe.ff).toBeGreaterThan(0);
      expect(primary!.pe.mac16).toBe(0);
      expect(dsp!.pe.mac16).toBe(1);
      expect(dsp!.pe.lut4).toBeLessThan(primary!.pe.lut4!);
    } else if (target === 'xilinx') {
      expect(primary!.pe.lut).toBeGreaterThan(20);
      expect(primary!.pe.dsp48).toBe(0);
      expect(dsp!.pe.dsp48).toBe(1);
      expect(primary!.total.ff).toBeGreaterThan(0);
    } else {
      expect(r.variants).toHaveLength(1);
      expect(primary!.pe.transistors).toBeGreaterThan(100);
      expect(primary!.pe.ff).toBeGreaterThan(0);
      expect(primary!.pe.gates + primary!.pe.ff + primary!.pe.other).toBe(primary!.pe.cells);
    }
  });
});

describe('synthesis cache', () => {
  it('serves a repeated synthesis from the cache, and the same PE to another array size', async () => {
    const hits: string[] = [];
    await synthesize(tiny, 'generic', { onCache: (part, hit) => hits.push(`${part}:${hit}`) });
    expect(hits.sort()).toEqual(['pe:true', 'rest:true']);
    const wider = variant({ array: { ...tiny.array, cols: 3 } });
    hits.length = 0;
    const r = await synthesize(wider, 'generic', { onCache: (part, hit) => hits.push(`${part}:${hit}`) });
    expect(hits.sort()).toEqual(['pe:true', 'rest:false']);
    expect(r.peCount).toBe(3);
  });
});

describe('axgen synth', () => {
  it('prints the figures, writes --json, and rejects an unknown target naming the argument', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'axgen-synth-cli-'));
    const cfg = join(dir, 'tiny.json');
    const w: Record<string, unknown> = { ...structuredClone(tiny) };
    delete w.hash;
    writeFileSync(cfg, JSON.stringify(w));
    const cli = ['synth', cfg];
    const env = { AXGEN_CACHE: process.env.AXGEN_CACHE! };
    const ok = await runAxgen([...cli, '--target', 'generic', '--json', join(dir, 'r.json')], { env });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/hierarchical: per-PE × 2 \+ rest/);
    const r = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {
      target: string;
      hierarchical: boolean;
      configHash: string;
    };
    expect(r).toMatchObject({ target: 'generic', hierarchical: true, configHash: tiny.hash });
    const bad = await runAxgen([...cli, '--target', 'asic'], { env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--target: expected one of "ice40", "xilinx", "generic", received "asic"/);
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the unit's advice for the target: DRUM's carry-chain product on Xilinx, none on generic", async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'axgen-synth-hint-'));
    const cfg = join(dir, 'drum.json');
    const w: Record<string, unknown> = {
      ...structuredClone(tiny),
      name: 'tiny_drum',
      multiplier: { kind: 'drum', k: 4 },
    };
    delete w.hash;
    writeFileSync(cfg, JSON.stringify(w));
    const env = { AXGEN_CACHE: process.env.AXGEN_CACHE! };
    const x = await runAxgen(['synth', cfg, '--target', 'xilinx'], { env });
    expect(x.exitCode, x.all).toBe(0);
    expect(x.stdout).toMatch(/^hint: multiplier\.product: 'carry-chain' maps the k×k product onto CARRY4 chains/m);
    const g = await runAxgen(['synth', cfg, '--target', 'generic'], { env });
    expect(g.exitCode, g.all).toBe(0);
    expect(g.stdout).not.toMatch(/hint:/);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
