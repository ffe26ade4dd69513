/**
 * `axgen sim` and `axgen regress` end to end, as a user runs them. Verilator builds: the two smoke
 * configs (shared by `sim` and `regress` through the content-hash cache) and one --trace build.
 */
import { runAxgen } from '../helpers/cli.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suite } from '../../sim/suite.js';
import type { SimReport } from '../../sim/run.js';
import type { RegressReport } from '../../sim/regress.js';

const ROOT = join(import.meta.dirname, '..', '..');
const axgen = (args: string[]) => runAxgen(args, { cwd: ROOT, env: { AXGEN_JOBS: '2' } });

let dir: string;
const [ws, os] = suite('smoke').map((e) => e.written);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axgen-cli-'));
  await writeFile(join(dir, 'ws.json'), JSON.stringify(ws));
  await writeFile(join(dir, 'os.json'), JSON.stringify(os));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('axgen sim', () => {
  it('passes on both simulators, tiles a larger GEMM, prints the seed and a replay command, writes the JSON report', async () => {
    const json = join(dir, 'ws-report.json');
    const r = await axgen([
      'sim',
      join(dir, 'ws.json'),
      '--simulator',
      'both',
      '--gemm',
      '9x7x8',
      '--seed',
      '5',
      '--json',
      json,
    ]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/seed 5/);
    expect(r.all).toMatch(/replay: axgen sim .*ws\.json --simulator both --gemm 9x7x8 --seed 5 --stall 0\.1/);
    const rep = JSON.parse(await readFile(json, 'utf8')) as SimReport;
    expect(rep.passed).toBe(true);
    expect(rep.runs.map((x) => x.simulator)).toEqual(['icarus', 'verilator']);
    for (const run of rep.runs) {
      expect(run.toolVersion).toMatch(run.simulator === 'icarus' ? /Icarus Verilog version 11/ : /Verilator 5\./);
      // 9x7x8 on a 2x3 weight-stationary array: N=8 needs 3 column tiles; 7 directed tiles follow,
      // with the refused commands (M, K, N of 0 and those past a limit the ports can carry).
      expect(run.commands).toBe(3 + 7 + rep.refused);
      expect(run.macs).toBe(9 * 7 * 8 + 7 * (4 * 4 * 3));
    }
    expect(rep.refused).toBeGreaterThanOrEqual(3);
    expect(rep.cases).toEqual(
      expect.arrayContaining([
        'refused M=0',
        'refused K=0',
        'refused N=0',
        'directed all-zero',
        'directed all-max',
        'directed all-min',
        'directed alternating-signs',
        'directed zeros-50%',
        'directed zeros-90%',
      ]),
    );
  });

  it('the same seed gives the same report (replayable)', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect(
      (await axgen(['sim', join(dir, 'os.json'), '--simulator', 'icarus', '--seed', '77', '--json', a])).exitCode,
    ).toBe(0);
    expect(
      (await axgen(['sim', join(dir, 'os.json'), '--simulator', 'icarus', '--seed', '77', '--json', b])).exitCode,
    ).toBe(0);
    const strip = (t: string) => {
      const r = JSON.parse(t) as SimReport;
      return { ...r, runs: r.runs.map((x) => ({ ...x, buildMs: 0, runMs: 0, buildCacheHit: true })) };
    };
    expect(strip(await readFile(a, 'utf8'))).toEqual(strip(await readFile(b, 'utf8')));
  });

  it('writes a VCD from each simulator on request', async () => {
    const wave = join(dir, 'w.vcd');
    const r = await axgen([
      'sim',
      join(dir, 'os.json'),
      '--simulator',
      'both',
      '--gemm',
      '2x2x1',
      '--seed',
      '1',
      '--wave',
      wave,
    ]);
    expect(r.exitCode, r.all).toBe(0);
    for (const sim of ['icarus', 'verilator']) {
      const vcd = await readFile(join(dir, `w.${sim}.vcd`), 'utf8');
      // axgen's mark heads the file, and the header is still a valid VCD (IEEE 1364 §18.2): only
      // declaration sections, each closed by $end, up to $enddefinitions.
      expect(vcd.startsWith('$comment written by axgen ')).toBe(true);
      expect(vcdHeaderKeywords(vcd), sim).toContain('$enddefinitions');
      expect(vcd).toMatch(/cnt_cycles/);
    }
    // The same command again overwrites the VCDs it wrote.
    const again = await axgen([
      'sim',
      join(dir, 'os.json'),
      '--simulator',
      'icarus',
      '--gemm',
      '2x2x1',
      '--seed',
      '1',
      '--wave',
      join(dir, 'w.icarus.vcd'),
    ]);
    expect(again.exitCode, again.all).toBe(0);
    expect((await readFile(join(dir, 'w.icarus.vcd'), 'utf8')).startsWith('$comment written by axgen ')).toBe(true);
  });

  it('--rtl simulates a generated folder as edited on disk, against the config in its manifest', async () => {
    const out = join(dir, 'rtl');
    expect((await axgen(['generate', join(dir, 'os.json'), '--out', out])).exitCode).toBe(0);
    const clean = await axgen(['sim', '--rtl', out, '--simulator', 'icarus', '--seed', '3']);
    expect(clean.exitCode, clean.all).toBe(0);
    const add = join(out, `${String(os!.name)}_acc_add.v`);
    await writeFile(
      add,
      (await readFile(add, 'utf8')).replace(/assign sum_o = acc_i \+ (.+);/, "assign sum_o = acc_i + $1 + 1'b1;"),
    );
    const r = await axgen(['sim', '--rtl', out, '--simulator', 'icarus', '--seed', '3']);
    expect(r.exitCode).toBe(4);
    expect(r.all).toMatch(/edited since generation/);
    expect(r.all).toMatch(
      /mismatch: random \d+x\d+x\d+, command 0 \(tile at m0=0, n0=0\), row 0, column 0: expected -?\d+, actual -?\d+, cycle \d+/,
    );
    expect(r.all).toMatch(/operands: /);
    expect(r.all).toMatch(/replay: axgen sim --rtl .* --seed 3/);
  });

  it.each([
    [['--gemm', '3x4'], /--gemm: expected MxKxN/],
    [['--gemm', '2x100x2'], /--gemm: expected K at most array.maxK=64/],
    [['--stall', '1.5'], /--stall: expected a probability/],
    [['--simulator', 'modelsim'], /--simulator: expected "icarus", "verilator" or "both", received "modelsim"/],
    [['--seed', '-1'], /--seed: expected an integer/],
  ])('rejects %j with a message naming the argument, writing nothing', async (args, msg) => {
    const json = join(dir, 'never.json');
    const r = await axgen(['sim', join(dir, 'ws.json'), '--json', json, ...args]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(msg);
    expect(existsSync(json)).toBe(false);
  });

  it('--rtl on a folder without a manifest is a user error', async () => {
    const r = await axgen(['sim', '--rtl', dir]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/--rtl: expected a folder written by `axgen generate`/);
  });
});

describe('axgen regress', () => {
  it('--no-progress prints no progress lines, only the summary (--progress is accepted too)', async () => {
    const r = await axgen(['regress', '--suite', 'smoke', '--simulator', 'icarus', '--no-progress']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/\[\d+\/\d+\]|regress: \d+ jobs/);
    expect(r.all).toMatch(/2 passed, 0 failed, 2 jobs/);
    const p = await axgen(['regress', '--suite', 'smoke', '--simulator', 'icarus', '--progress']);
    expect(p.exitCode, p.all).toBe(0);
    expect(p.all).toMatch(/\[2\/2\] pass/);
  });

  it('runs the smoke suite on both simulators in parallel and writes JUnit XML and JSON', async () => {
    const junit = join(dir, 'junit.xml');
    const json = join(dir, 'regress.json');
    const r = await axgen(['regress', '--suite', 'smoke', '--jobs', '2', '--junit', junit, '--json', json]);
    expect(r.exitCode, r.all).toBe(0);
    // Not a terminal here: plain progress lines, then the summary table.
    expect(r.all).toMatch(/\[4\/4\] pass/);
    expect(r.all).toMatch(/4 passed, 0 failed, 4 jobs/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="axgen.regress.smoke" tests="4" failures="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    const rep = JSON.parse(await readFile(json, 'utf8')) as RegressReport;
    expect(rep.results.map((x) => x.name).sort()).toEqual(
      [
        `${String(os!.name)}/icarus`,
        `${String(os!.name)}/verilator`,
        `${String(ws!.name)}/icarus`,
        `${String(ws!.name)}/verilator`,
      ].sort(),
    );
    expect(rep.tools.verilator).toMatch(/Verilator 5/);
  });

  it('rejects an unknown suite', async () => {
    const r = await axgen(['regress', '--suite', 'nightly']);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/--suite: expected "smoke", "default", "full", received "nightly"/);
  });
});

/**
 * The keywords of a VCD's header sections up to and including `$enddefinitions`; throws if the
 * header holds anything but the declaration sections of IEEE 1364 §18.2, each closed by `$end`.
 */
function vcdHeaderKeywords(vcd: string): string[] {
  const SECTIONS = ['$comment', '$date', '$version', '$timescale', '$scope', '$var', '$upscope'];
  const tokens = vcd.split(/\s+/).filter((t) => t !== '');
  const keywords: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const k = tokens[i]!;
    if (k === '$enddefinitions') {
      if (tokens[i + 1] !== '$end') throw new Error('$enddefinitions without $end');
      return [...keywords, k];
    }
    if (!SECTIONS.includes(k)) throw new Error(`unexpected ${k} in the VCD header (token ${i})`);
    keywords.push(k);
    const end = tokens.indexOf('$end', i + 1);
    if (end < 0) throw new Error(`${k} without $end`);
    i = end + 1;
  }
  throw new Error('no $enddefinitions');
}
