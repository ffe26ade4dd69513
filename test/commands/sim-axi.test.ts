/**
 * `axgen sim` on an AXI config checks what the config generates: `<name>_axi_top` through its AXI
 * ports, also for a generated folder (`--rtl DIR`). Reproductions from issue 9: with TLAST and TDATA
 * of the result stream swapped in the generated `<name>_axi_top.v`, or the CSR ID magic changed,
 * `axgen sim --rtl DIR --simulator icarus` must fail (exit 4). Icarus only: no Verilator build.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derive } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { regMap, resetValue } from '../../generator/regmap/regmap.js';
import type { SimReport } from '../../sim/run.js';
import { written } from '../helpers/configs.js';

const ROOT = join(import.meta.dirname, '..', '..');
const axgen = (args: string[]) =>
  execa('node', [join(ROOT, 'bin', 'axgen.js'), ...args], {
    cwd: ROOT,
    reject: false,
    all: true,
    env: { AXGEN_JOBS: '2' },
  });

const cfg = {
  ...written({ name: 'axs', rows: 2, cols: 2, aBits: 4, wBits: 4, maxK: 8, accDepth: 4 }),
  interface: 'axi',
};
let dir: string;
let clean: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axgen-axi-sim-'));
  await writeFile(join(dir, 'axs.json'), JSON.stringify(cfg));
  clean = join(dir, 'clean');
  const g = await axgen(['generate', join(dir, 'axs.json'), '--out', clean]);
  expect(g.exitCode, g.all).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the generated folder with one file edited by `edit` (which must change it). */
async function edited(label: string, file: string, edit: (text: string) => string): Promise<string> {
  const out = join(dir, label);
  await execa('cp', ['-r', clean, out]);
  const p = join(out, file);
  const before = await readFile(p, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  await writeFile(p, after);
  return out;
}

const sim = (folder: string, json: string) =>
  axgen(['sim', '--rtl', folder, '--simulator', 'icarus', '--seed', '4', '--gemm', '3x5x3', '--json', json]);

describe('axgen sim on an AXI config', () => {
  it('simulates <name>_axi_top and says so in the text and JSON reports', async () => {
    const json = join(dir, 'clean.json');
    const r = await sim(clean, json);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(
      /simulated axs_axi_top \(RTL of --rtl .*clean\) through its AXI4-Lite and AXI4-Stream ports in icarus: 8 GEMMs/,
    );
    expect(r.all).toMatch(/icarus {4}pass {2}\d+ commands, \d+ result beats, \d+ MACs, \d+ CSR steps/);
    const rep = JSON.parse(await readFile(json, 'utf8')) as SimReport;
    expect(rep.dut).toMatchObject({ top: 'axs_axi_top', interface: 'axi' });
    expect(rep.gemms).toBe(8);
    expect(rep.runs.map((x) => x.simulator)).toEqual(['icarus']);
    const run = rep.runs[0]!;
    expect(run.passed).toBe(true);
    expect(run.commands).toBeGreaterThan(8);
    expect(run.resultBeats).toBeGreaterThanOrEqual(run.commands);
    expect(run.axi!.csrSteps).toBeGreaterThan(20);
  });

  it('fails (exit 4) with TLAST and TDATA of the result stream swapped in the generated AXI top', async () => {
    const folder = await edited('swapped', 'axs_axi_top.v', (t) =>
      t.replace(/\{m_axis_y_tlast_o, m_axis_y_tdata_o\}/, '{m_axis_y_tdata_o, m_axis_y_tlast_o}'),
    );
    const r = await sim(folder, join(dir, 'swapped.json'));
    expect(r.exitCode, r.all).toBe(4);
    expect(r.all).toMatch(/icarus {4}FAIL/);
    expect(r.all).toMatch(/problem: AXGEN_YBEAT/);
  });

  it('fails (exit 4) with the CSR ID magic constant changed', async () => {
    const c = resolveConfig(cfg, 'test');
    const m = regMap(c, derive(c));
    const magic = resetValue(m.registers.find((x) => x.name === 'ID_MAGIC')!).toString(16);
    const folder = await edited('magic', 'axs_csr.v', (t) => {
      expect(t.split(`32'h${magic}`).length, `ID_MAGIC 32'h${magic} once in axs_csr.v`).toBe(2);
      return t.replace(`32'h${magic}`, `32'h${(Number.parseInt(magic, 16) ^ 1).toString(16)}`);
    });
    const r = await sim(folder, join(dir, 'magic.json'));
    expect(r.exitCode, r.all).toBe(4);
    expect(r.all).toMatch(/problem: AXGEN_CSR/);
  });
});
