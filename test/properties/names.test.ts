/**
 * Every name the schema accepts works in every tool (issue 9: `x_` and `x__y` validated, generated
 * and linted, then failed to build in Verilator, whose file names escape `__` and a trailing `_`).
 * Random valid names, biased to underscores, go through generate (to a folder), lint (Verilator
 * -Wall, Icarus, Yosys), co-simulation of the generated folder in Icarus and Verilator (the AXI top
 * for an AXI config), Yosys synthesis of the folder's top, and for AXI configs a C compile of
 * regmap.h. One tiny config per name, so one Verilator build per name.
 *
 * The seed is fixed (20261130) unless AXGEN_NAME_SEED is set, and printed; replay with AXGEN_NAME_SEED=<seed>. AXGEN_NAME_RUNS sets
 * the number of names (default 3; `npm run regress:full` runs 40).
 */
import { execa } from 'execa';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../generator/infra/errors.js';
import { resolveConfig, type ResolvedConfig } from '../../generator/config/resolve.js';
import { generateTo } from '../../generator/emit/generate.js';
import { lintFiles, lintProblems } from '../../sim/lint.js';
import { loadRtlFolder } from '../../sim/rtl-dir.js';
import { simulate } from '../../sim/run.js';
import { written } from '../helpers/configs.js';

const runs = Number(process.env.AXGEN_NAME_RUNS ?? 3);
// A fixed seed in the test command (CI must not flake on a new draw); regress:full draws a fresh one.
const seed = Number(process.env.AXGEN_NAME_SEED ?? 20261130);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A letter, then up to 39 of [a-z0-9_] with `_` frequent (runs of `__`, a trailing `_`). */
const nameArb = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    fc.array(
      fc.oneof({ weight: 3, arbitrary: fc.constant('_') }, { weight: 2, arbitrary: fc.constantFrom(...'abcxyz019') }),
      { maxLength: 39 },
    ),
  )
  .map(([h, t]) => h + t.join(''));

function configFor(name: string, axi: boolean): ResolvedConfig | null {
  const w = {
    ...written({ name, rows: 2, cols: 1, aBits: 3, wBits: 3, maxK: 6, accDepth: 3 }),
    ...(axi ? { interface: 'axi' } : {}),
  };
  try {
    return resolveConfig(w, 'names');
  } catch (e) {
    // A keyword (e.g. "for") is refused by the schema with its own message: not a valid name.
    if (e instanceof ConfigError) return null;
    throw e;
  }
}

describe('random valid config names', () => {
  it(
    `work in generate, lint, both simulators and synthesis (${runs} names, seed ${seed})`,
    async () => {
      console.log(`names property: seed ${seed} (replay with AXGEN_NAME_SEED=${seed} AXGEN_NAME_RUNS=${runs})`);
      const tried: string[] = [];
      await fc.assert(
        fc.asyncProperty(nameArb, fc.boolean(), async (name, axi) => {
          const c = configFor(name, axi);
          fc.pre(c !== null);
          tried.push(`${name}${axi ? ' (axi)' : ''}`);
          const dir = await mkdtemp(join(tmpdir(), 'axgen-names-'));
          dirs.push(dir);
          const out = join(dir, 'out');
          const g = await generateTo(c!, out);
          const folder = await loadRtlFolder(out);
          expect(folder.edited).toBe(false);
          expect(lintProblems(await lintFiles(folder.files, g.manifest.ipTop))).toBe('');

          const rep = await simulate(c!, {
            simulators: ['icarus', 'verilator'],
            seed: 5,
            stall: 0.2,
            gemm: { m: 3, k: 4, n: 2 },
            rtl: folder.files,
            source: `--rtl ${out}`,
          });
          expect(rep.dut.top).toBe(g.manifest.ipTop);
          for (const run of rep.runs) {
            expect(run.problems, `${name} ${run.simulator}`).toEqual([]);
            expect(run.passed).toBe(true);
            expect(run.resultBeats).toBeGreaterThan(0);
          }

          const names = folder.files.map((f) => f.name);
          const y = await execa(
            'yosys',
            [
              '-q',
              '-p',
              `read_verilog ${names.join(' ')}; synth -top ${g.manifest.ipTop}; check -assert; tee -o synth-stat.txt stat`,
            ],
            { cwd: out, reject: false, all: true },
          );
          expect(y.exitCode, y.all).toBe(0);
          expect(await readFile(join(out, 'synth-stat.txt'), 'utf8')).toMatch(/Number of cells:\s+[1-9]/);

          if (axi) {
            const h = join(dir, 'use.c');
            await writeFile(
              h,
              `#include "${join(out, 'regmap.h')}"\nunsigned magic(void) { return ${(await readFile(join(out, 'regmap.h'), 'utf8')).match(/#define (\w+_ID_MAGIC_RESET)/)![1]}; }\n`,
            );
            const cc = await execa('cc', ['-std=c99', '-Wall', '-Werror', '-fsyntax-only', h], {
              reject: false,
              all: true,
            });
            expect(cc.exitCode, cc.all).toBe(0);
          }
        }),
        { numRuns: runs, seed },
      );
      console.log(`names property: ${tried.join(', ')}`);
      expect(tried.length).toBe(runs);
    },
    60_000 + runs * 30_000,
  );
});
