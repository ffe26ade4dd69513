/**
 * Reproductions from issue 9, as a user runs them: a valid name with a double and a trailing
 * underscore (`x__y_`) failed `axgen sim` with exit 3 (Verilator escapes such names in its file
 * names), and with `--simulator both` a simulator that could not run discarded the other's result.
 * One Verilator build.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, symlink, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimReport } from '../../sim/run.js';
import { written } from '../helpers/configs.js';

const ROOT = join(import.meta.dirname, '..', '..');
const axgen = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [join(ROOT, 'bin', 'axgen.js'), ...args], {
    cwd: ROOT,
    reject: false,
    all: true,
    env: { AXGEN_JOBS: '2', ...env },
  });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axgen-names-cli-'));
  await writeFile(
    join(dir, 'odd.json'),
    JSON.stringify(written({ name: 'x__y_', rows: 2, cols: 1, aBits: 3, wBits: 3, maxK: 6, accDepth: 3 })),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('axgen sim with names Verilator escapes', () => {
  it('x__y_ passes in both simulators', async () => {
    const r = await axgen(['sim', join(dir, 'odd.json'), '--simulator', 'both', '--seed', '3', '--gemm', '3x4x2']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/simulated x__y__top \(emitted RTL\) through its streams in icarus and verilator: 8 GEMMs/);
    expect(r.all).toMatch(/icarus {4}pass/);
    expect(r.all).toMatch(/verilator pass/);
  });
});

describe('axgen sim --simulator both when one simulator cannot run', () => {
  it("reports the other simulator's result (text and JSON), then exits with the failure's code", async () => {
    // A PATH with Icarus only: Verilator is missing.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const t of ['iverilog', 'vvp']) await symlink((await execa('which', [t])).stdout.trim(), join(bin, t));
    const json = join(dir, 'partial.json');
    const r = await axgen(
      ['sim', join(dir, 'odd.json'), '--simulator', 'both', '--seed', '3', '--gemm', '3x4x2', '--json', json],
      { PATH: bin },
    );
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toMatch(/icarus {4}pass {2}\d+ commands/);
    expect(r.all).toMatch(/verilator FAIL {2}did not finish: verilator is not available/);
    expect(r.all).toMatch(/apt-get install -y verilator/);
    const rep = JSON.parse(await readFile(json, 'utf8')) as SimReport;
    expect(rep.passed).toBe(false);
    expect(rep.runs.map((x) => [x.simulator, x.passed])).toEqual([
      ['icarus', true],
      ['verilator', false],
    ]);
    expect(rep.runs[0]!.resultBeats).toBeGreaterThan(0);
    expect(rep.runs[1]!.error).toMatch(/verilator is not available/);
  });
});
