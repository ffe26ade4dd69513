/**
 * `axgen fpga` end to end on a small AXI config (Yosys synth_ice40 → nextpnr-ice40 → icepack): a
 * bitstream and a timing report, in a fresh cache so the tools really run (~15 s). Also: a design
 * too big for the device names the overflowing resource and by how much (and the CLI says what to
 * try, exit 4); bad arguments write nothing; --jobs sizes the job pool; the timing harness is lint-clean.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { runAxgen } from '../helpers/cli.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/resolve.js';
import { generate } from '../../generator/emit/generate.js';
import { axiTopModule } from '../../generator/axi/emit.js';
import { harnessVerilog, HARNESS_MODULE, parsePorts } from '../../generator/fpga/harness.js';
import { nextpnrStage, parseNextpnrUtilisation, placeAndRoute, type PnrResult } from '../../generator/fpga/pnr.js';
import { fpgaCommand, seedsOf } from '../../generator/commands/fpga.js';
import { jobPool } from '../../generator/infra/pool.js';
import { ICE40_DEVICES } from '../../generator/fpga/devices.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';

const tiny = {
  name: 'tiny_axi',
  interface: 'axi',
  array: { rows: 2, cols: 2, maxK: 16, accDepth: 8 },
  precision: { activation: { bits: 4 }, weight: { bits: 4 } },
  multiplier: { kind: 'exact' },
};

let work: string;
let cfgFile: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'axgen-fpga-'));
  cfgFile = join(work, 'tiny.json');
  writeFileSync(cfgFile, JSON.stringify(tiny));
  process.env.AXGEN_CACHE = join(work, 'cache');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const axgen = (args: string[]) =>
  runAxgen(args, { cwd: work, env: { ...process.env, AXGEN_CACHE: join(work, 'cache') } });
/** `axgen fpga` on the tiny config for an up5k at 12 MHz into `out`, with `extra` arguments. */
const fpgaUp5k = (out: string, ...extra: string[]) =>
  axgen(['fpga', cfgFile, '--device', 'up5k', '--clock', '12', '--out', out, ...extra]);

describe('axgen fpga', () => {
  it('places and routes a small AXI config on an up5k: bitstream, utilisation, fmax, timing report', async () => {
    const out = join(work, 'out');
    const r = await fpgaUp5k(out, '--json', join(work, 'r.json'));
    expect(r.exitCode, r.all).toBe(0);
    const bin = join(out, 'tiny_axi_axi_top_up5k.bin');
    expect(existsSync(bin)).toBe(true);
    expect(statSync(bin).size).toBeGreaterThan(50_000);
    const j = JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')) as PnrResult;
    expect(readFileSync(join(work, 'r.json'), 'utf8')).toBe(readFileSync(join(out, 'fpga.json'), 'utf8'));
    expect(j.fits).toBe(true);
    expect(j.overflow).toEqual([]);
    expect(j.fmaxMHz).toBeGreaterThan(5);
    expect(j.harness.used).toBe(true);
    expect(j.utilisation.lut4).toBeGreaterThan(100);
    expect(j.utilisation.ff).toBeGreaterThan(100);
    expect(j.capacity.ICESTORM_LC!.available).toBe(5280);
    expect(j.toolVersions.yosys).toMatch(/Yosys/);
    expect(j.toolVersions.nextpnr).toMatch(/nextpnr-ice40/);
    const txt = readFileSync(join(out, 'fpga.txt'), 'utf8');
    expect(txt).toMatch(/^config: tiny_axi \(exact, sha256:[0-9a-f]{12}\)\n/);
    expect((j as unknown as { config: { unit: string } }).config.unit).toBe('exact');
    expect(txt).toMatch(/Max frequency for clock/);
    expect(txt).toMatch(/harness: timing harness/);
    expect(txt).toMatch(/fits: yes; fmax \d+\.\d\d MHz/);
    // The IP's netlist (AXI top, synth_ice40 -dsp as for the bitstream) was co-simulated before writing.
    expect(txt).toMatch(
      /gate-level check: passed \(tiny_axi_axi_top netlist, synth_ice40 -dsp -top tiny_axi_axi_top, stimulus seed 1: GEMM \d+x\d+x\d+ \+ \d+ directed tiles \+ \d+ refused commands\)/,
    );
    const v = (
      j as unknown as { verification: { passed: boolean; runs: { commands: number; mismatches: unknown[] }[] } }
    ).verification;
    expect(v.passed).toBe(true);
    expect(v.runs[0]!.commands).toBeGreaterThan(8);
    expect(r.all).toMatch(/gate-level ice40 dsp: tiny_axi_axi_top netlist/);
    expect(r.all).toMatch(/through its AXI4-Lite and AXI4-Stream ports/);
    for (const f of ['tiny_axi_axi_top.v', 'regmap.h', `${HARNESS_MODULE}.v`, 'nextpnr.log', 'report.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('--no-verify skips the gate-level check; --seeds runs each seed and keeps the highest fmax', async () => {
    const out = join(work, 'out-noverify');
    const r = await fpgaUp5k(out, '--no-verify', '--seeds', '1,2', '--progress');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/gate-level ice40/);
    const txt = readFileSync(join(out, 'fpga.txt'), 'utf8');
    expect(txt).toMatch(/gate-level check: skipped \(--no-verify\)/);
    const j = JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')) as PnrResult & {
      verification: string;
      seeds: { seed: number; status: string; fmaxMHz: number }[];
    };
    expect(j.verification).toMatch(/^skipped \(--no-verify\)/);
    expect(j.seeds.map((x) => [x.seed, x.status])).toEqual([
      [1, 'routed'],
      [2, 'routed'],
    ]);
    const best = j.seeds.reduce((a, b) => (b.fmaxMHz > a.fmaxMHz ? b : a));
    expect(j.seed).toBe(best.seed);
    expect(j.fmaxMHz).toBe(best.fmaxMHz);
    expect(txt).toContain(`kept seed ${best.seed} (highest fmax)`);
    expect(txt).toMatch(/seeds: 1 → \d+\.\d\d MHz; 2 → \d+\.\d\d MHz/);
    // Progress on stderr: nextpnr's stages per seed, with seconds (seed 1 may come from the cache).
    expect(r.stderr).toMatch(/nextpnr seed 2: routing: \d+\.\d s/);
  });

  it('a run past --pnr-time-limit is reported as not routed: exit 4, the seed and what to try', async () => {
    const out = join(work, 'out-timeout');
    const r = await fpgaUp5k(out, '--no-verify', '--seed', '7', '--pnr-time-limit', '0.001');
    expect(r.exitCode, r.all).toBe(4);
    expect(r.all).not.toMatch(/internal error|\n {4}at /);
    expect(r.stdout).toMatch(/fits: not known — place and route timed out: seed 7 did not finish within 0\.001 s/);
    expect(r.stdout).toMatch(
      /hint: place and route did not finish within 0\.001 s with seed 7: try other seeds \(--seeds 8,9,10, run in parallel, the best fmax kept\), a longer --pnr-time-limit/,
    );
    const j = JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')) as PnrResult;
    expect([j.status, j.fits, j.fmaxMHz, j.seed]).toEqual(['timeout', null, null, 7]);
    // A timeout is never cached: a "(cached)" can only belong to the synthesis.
    expect(r.stdout).toMatch(/place and route \d+\.\d s → /);
    expect(existsSync(join(out, 'tiny_axi_axi_top_up5k.bin'))).toBe(false);
    // What nextpnr printed before it was stopped is kept (the run itself is not cached).
    expect(existsSync(join(out, 'nextpnr.log'))).toBe(true);
    // The design uses a fraction of the up5k: no bigger device is suggested.
    expect(r.stdout).not.toMatch(/bigger device/);
  });

  it('a run that writes no bitstream keeps the bitstream an earlier run left in --out (moved aside)', async () => {
    // The folder of the --no-verify test above holds a bitstream; a run that does not route is
    // written there, and the earlier folder is moved aside whole, not emptied.
    const out = join(work, 'out-noverify');
    const bin = 'tiny_axi_axi_top_up5k.bin';
    expect(existsSync(join(out, bin))).toBe(true);
    const before = readFileSync(join(out, bin));
    const r = await fpgaUp5k(out, '--no-verify', '--seed', '7', '--pnr-time-limit', '0.001');
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stderr).toContain(
      `kept the earlier output of ${out}: moved it aside to ${out}.old-1 (it holds a bitstream and this run wrote none)`,
    );
    expect(readFileSync(join(`${out}.old-1`, bin))).toEqual(before);
    expect(existsSync(join(out, bin))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')).status).toBe('timeout');
    // A folder without a bitstream is replaced as usual by the next run (no second .old).
    const again = await fpgaUp5k(out, '--no-verify', '--seed', '7', '--pnr-time-limit', '0.001');
    expect(again.exitCode, again.all).toBe(4);
    expect(again.stderr).not.toMatch(/kept the earlier output/);
    expect(existsSync(`${out}.old-2`)).toBe(false);
  });

  it('reads --seeds as a list or a count, and refuses bad ones', () => {
    expect(seedsOf(undefined, undefined)).toEqual([1]);
    expect(seedsOf(5, undefined)).toEqual([5]);
    expect(seedsOf(undefined, '3')).toEqual([1, 2, 3]);
    expect(seedsOf(undefined, '4, 9,2')).toEqual([4, 9, 2]);
    for (const bad of ['0', '1,1', '1,-2', 'a', '65', '1,'])
      expect(seedsOf(undefined, bad), bad).toMatch(/^--seeds: expected .*received/);
    expect(seedsOf(1, '2')).toMatch(/received both/);
    expect(seedsOf(-1, undefined)).toMatch(/^--seed: expected a non-negative integer/);
  });

  it("names nextpnr's stages from its log lines", () => {
    expect(nextpnrStage('Info: Packing constants..')).toBe('packing');
    expect(nextpnrStage('Info: Running main analytical placer.')).toBe('placing (analytic)');
    expect(nextpnrStage('Info: Running simulated annealing placer for refinement.')).toBe('placing (annealing)');
    expect(nextpnrStage('Info: Routing..')).toBe('routing');
    expect(nextpnrStage('Info: Routing 606 arcs.')).toBeNull();
  });

  it('says which resource overflowed and by how much when the design does not fit', async () => {
    // accDepth 2 keeps the accumulator buffers out of block RAM (the lp384 has none).
    const c = resolveConfig({ ...tiny, name: 'big_axi', array: { rows: 2, cols: 2, maxK: 16, accDepth: 2 } }, 'test');
    const r = await placeAndRoute({ files: generate(c).files, top: axiTopModule(c), device: 'lp384', clockMHz: 12 });
    expect(r.fits).toBe(false);
    expect(r.fmaxMHz).toBeNull();
    const lc = r.overflow.find((o) => o.resource === 'ICESTORM_LC');
    expect(lc, JSON.stringify(r.overflow)).toBeDefined();
    expect(lc!.available).toBe(384);
    expect(lc!.over).toBe(lc!.used - 384);
    expect(lc!.over).toBeGreaterThan(0);
    // The CLI on the same design (served from the cache): exit 4 and what to try.
    const file = join(work, 'big.json');
    writeFileSync(
      file,
      JSON.stringify({ ...tiny, name: 'big_axi', array: { rows: 2, cols: 2, maxK: 16, accDepth: 2 } }),
    );
    const cli = await axgen(['fpga', file, '--device', 'lp384', '--clock', '12', '--out', join(work, 'big')]);
    expect(cli.exitCode, cli.all).toBe(4);
    expect(cli.stdout).toContain(
      `hint: the design needs ${lc!.used} logic cells and the lp384 has 384; a bigger device: ${ICE40_DEVICES.filter(
        (d) => d.logicCells >= lc!.used,
      )
        .map((d) => d.name)
        .join(', ')}`,
    );
  });

  it('a DSP overflow found before placement says place and route did not run (not "0.0 s (cached)"), and "cached" only for a cached synthesis', async () => {
    // 4×4 exact 8-bit PEs need 16 SB_MAC16 and the up5k has 8: refused after synthesis, before nextpnr.
    const file = join(work, 'dsp.json');
    const cfg = { ...tiny, name: 'dsp_over', interface: 'stream', array: { rows: 4, cols: 4, maxK: 16, accDepth: 8 } };
    writeFileSync(file, JSON.stringify({ ...cfg, precision: { activation: { bits: 8 }, weight: { bits: 8 } } }));
    const r = await axgen(['fpga', file, '--device', 'up5k', '--no-verify', '--out', join(work, 'dsp')]);
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stdout).toMatch(/fits: NO — ICESTORM_DSP 16\/8/);
    expect(r.stdout).toMatch(/, multipliers on SB_MAC16\n/);
    expect(r.stdout).toMatch(/place and route not run \(the hard blocks overflow before placement\)/);
    expect(r.stdout).not.toMatch(/place and route \d/);
    // This config's first synthesis (the test's own cache): its seconds were measured now. Run again,
    // the synthesis comes from the cache and its figure says it is the first run's.
    expect(r.stdout).toMatch(/^synthesis \d+\.\d s, place and route not run/m);
    const again = await axgen(['fpga', file, '--device', 'up5k', '--no-verify', '--out', join(work, 'dsp2')]);
    expect(again.exitCode, again.all).toBe(4);
    expect(again.stdout).toMatch(
      /^synthesis \d+\.\d s \(cached: measured when first run\), place and route not run \(the hard blocks overflow before placement\)/m,
    );
  });

  it('rejects a bad device or clock naming the argument, and writes nothing', async () => {
    const out = join(work, 'bad');
    const r = await axgen(['fpga', cfgFile, '--device', 'xc7a35t', '--out', out]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/--device: expected one of .*up5k.*received "xc7a35t"/);
    const k = await axgen(['fpga', cfgFile, '--device', 'up5k', '--clock', '-3', '--out', out]);
    expect(k.exitCode).toBe(1);
    expect(k.all).toMatch(/--clock/);
    const j = await axgen(['fpga', cfgFile, '--device', 'up5k', '--jobs', '0', '--out', out]);
    expect(j.exitCode).toBe(1);
    expect(j.all).toMatch(/--jobs: expected an integer from 1 to 256, received 0/);
    expect(existsSync(out)).toBe(false);
  });

  it('--jobs is accepted and sizes the job pool that runs nextpnr once per --seeds seed', async () => {
    // In process, refused at its --out (a file) right after the arguments are applied: no tool runs.
    const file = join(work, 'a-file');
    writeFileSync(file, 'mine\n');
    const before = jobPool.size;
    // A size the pool does not have already, so the assertion can fail.
    const jobs = before === 1 ? 2 : 1;
    const exit = process.exitCode;
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await yargs(['fpga', cfgFile, '--device', 'up5k', '--seeds', '1,2,3', '--jobs', String(jobs), '--out', file])
        .command(fpgaCommand as never)
        .strict()
        .exitProcess(false)
        .fail((msg, e) => {
          throw e ?? new Error(msg);
        })
        .parseAsync();
      expect(err.mock.calls.join('')).toMatch(/which is a file, not a folder/);
      expect(jobPool.size).toBe(jobs);
    } finally {
      err.mockRestore();
      jobPool.size = before;
      process.exitCode = exit;
    }
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });
});

describe('timing harness', () => {
  it('reads the top ports and is lint-clean around the AXI top', async () => {
    const c = resolveConfig(tiny, 'test');
    const files = generate(c).files;
    const top = files.find((f) => f.module === axiTopModule(c))!;
    const ports = parsePorts(top.text, axiTopModule(c));
    expect(ports.find((p) => p.name === 's_axil_wdata_i')).toEqual({ dir: 'input', name: 's_axil_wdata_i', width: 32 });
    expect(ports.filter((p) => p.dir === 'output').length).toBeGreaterThan(5);
    const h = { name: `${HARNESS_MODULE}.v`, text: harnessVerilog(axiTopModule(c), ports, { clock: 'clk_i' }) };
    expect(lintProblems(await lintFiles([...files, h], HARNESS_MODULE))).toBe('');
  });

  it('parses nextpnr utilisation tables', () => {
    const log =
      'Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  1900/ 1280   148%\nInfo: \t        ICESTORM_RAM:     0/   16     0%\nInfo: placed\n';
    expect(parseNextpnrUtilisation(log)).toEqual({
      ICESTORM_LC: { used: 1900, available: 1280 },
      ICESTORM_RAM: { used: 0, available: 16 },
    });
  });
});
