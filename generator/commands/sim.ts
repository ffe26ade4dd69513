import type { CommandModule } from 'yargs';
import type { ResolvedConfig } from '../config/resolve.js';
import type { EmittedFile } from '../emit/rtl.js';
import { parseGemm, type GemmShape } from '../../sim/cases.js';
import { checkReportFile, writeFileAtomically, toJson } from '../infra/files.js';
import { checkDistinctOutputs, moveAside, outputArg } from '../infra/write.js';
import { activity, progressWanted } from '../infra/progress.js';
import { loadRtlFolder } from '../../sim/rtl-dir.js';
import { formatReport, simulate, SimRunFailed, waveFile, type SimReport } from '../../sim/run.js';
import { SIMULATOR_TOOL } from '../../sim/simulators.js';
import { requireTools } from '../infra/tools.js';
import { ConfigSession, describeFailure, forceOption, runCommand, EXIT_CHECK_FAILED, jobsOption } from './common.js';
import { USAGE } from './usage.js';
import { argError, checkJobs, checkSeed, checkStall, simulatorsOf } from './checks.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config?: string;
  rtl?: string;
  simulator: string;
  gemm?: string;
  seed?: number;
  stall: number;
  wave?: string;
  json?: string;
  jobs?: number;
  force: boolean;
  progress?: boolean;
}

const CMD = 'axgen sim';
const simArgError = (path: string, expected: string, received: unknown) => argError(CMD, path, expected, received);

export function checkGemm(c: ResolvedConfig, text: string | undefined): GemmShape | undefined {
  if (text === undefined) return undefined;
  const g = parseGemm(text);
  if (!g) throw simArgError('--gemm', 'MxKxN with three positive integers, e.g. 64x128x32', text);
  if (g.k > c.array.maxK)
    throw simArgError('--gemm', `K at most array.maxK=${c.array.maxK} (one command reduces over all of K)`, text);
  // Keep one run within reason: the checker's files and the simulators scale with M·K·N.
  if (g.m * g.k * g.n > 50_000_000) throw simArgError('--gemm', 'at most 50,000,000 MACs (M·K·N) in one run', text);
  return g;
}

export const simCommand: CommandModule<object, Args> = {
  command: USAGE.sim.command,
  describe: USAGE.sim.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', describe: 'config file (.ts or .json); omit with --rtl' })
      .option('rtl', {
        type: 'string',
        describe: 'simulate this generated folder as it is on disk, against the config in its manifest.json',
      })
      .option('simulator', { type: 'string', default: 'both', describe: 'icarus | verilator | both' })
      .option('gemm', {
        type: 'string',
        describe: 'random GEMM MxKxN, tiled onto the array (default: larger than the array in M, K and N)',
      })
      .option('seed', {
        type: 'number',
        describe: 'stimulus and stall seed (default: random, printed with a replay command)',
      })
      .option('stall', {
        type: 'number',
        default: 0.1,
        describe: 'probability per cycle of an input gap and a result stall (0 = none)',
      })
      .option('wave', {
        type: 'string',
        describe:
          "write a VCD here (with both simulators the simulator's name goes before the extension: w.vcd gives w.icarus.vcd and w.verilator.vcd); an existing file only if axgen wrote it (its first line is axgen's $comment), unless --force",
      })
      .option('json', {
        type: 'string',
        describe: 'write the JSON report here (an existing file only if it is an axgen sim report, unless --force)',
      })
      .option('force', forceOption)
      .option('jobs', jobsOption)
      .option('progress', {
        type: 'boolean',
        describe:
          'show the golden model and each simulator on stderr as they start and end (default: on a terminal only; --no-progress: never)',
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      if (argv.config !== undefined && argv.rtl !== undefined)
        throw simArgError('--rtl', 'either a config file or --rtl DIR, not both', {
          config: argv.config,
          rtl: argv.rtl,
        });
      if (argv.config === undefined && argv.rtl === undefined)
        throw simArgError('config', 'a config file, or --rtl DIR naming a generated folder', 'nothing');
      const simulators = simulatorsOf(argv.simulator, CMD);
      const seed = checkSeed(argv.seed, CMD, 'random');
      const stall = checkStall(argv.stall, CMD);
      checkJobs(argv.jobs, CMD);
      // Report paths are checked before anything runs; with --force a file axgen did not write is
      // moved aside once the arguments are known good (the simulator copies the VCD in place).
      const json = outputArg(argv.json, '--json', 'none');
      const wave = outputArg(argv.wave, '--wave', 'none');
      const waves = wave === undefined ? [] : simulators.map((sim) => waveFile(wave, sim, simulators.length > 1));
      checkDistinctOutputs([{ arg: '--json', file: json }, ...waves.map((file) => ({ arg: '--wave', file }))]);
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'sim' });
      const wavesAside: string[] = [];
      for (const w of waves) {
        if ((await checkReportFile(w, { arg: '--wave', force: argv.force, kind: 'wave' })) === 'foreign')
          wavesAside.push(w);
      }
      let c: ResolvedConfig;
      let rtl: EmittedFile[] | undefined;
      let source: string;
      if (argv.rtl !== undefined) {
        const folder = await loadRtlFolder(argv.rtl);
        c = folder.config;
        s.config = c;
        rtl = folder.files;
        source = `--rtl ${argv.rtl}`;
        process.stdout.write(
          `  ${argv.rtl}: ${folder.files.length} RTL files of ${c.name} (config sha256:${c.hash.slice(0, 12)})` +
            `${folder.edited ? ', edited since generation' : ''}\n`,
        );
      } else {
        c = await s.load(argv.config!);
        source = argv.config!;
      }
      const gemm = checkGemm(c, argv.gemm);
      // Every requested simulator missing: one message naming them all (exit 2). Some present: those
      // run, and a missing one is reported as not finished (SimRunFailed below), which decides the exit.
      const tools = simulators.map((x) => SIMULATOR_TOOL[x]);
      const present = await Promise.all(
        tools.map((t) =>
          requireTools([t]).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (!present.some(Boolean)) await requireTools(tools);
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      usableCacheRoot();
      for (const w of wavesAside) await moveAside(w);
      process.stdout.write(`  seed ${seed} (replay with --seed ${seed})\n`);
      const progress = activity(progressWanted(argv.progress));
      let report: SimReport;
      try {
        report = await simulate(c, { simulators, seed, gemm, stall, wave, rtl, source, progress }).finally(() =>
          progress.stop(),
        );
      } catch (e) {
        if (!(e instanceof SimRunFailed)) throw e;
        // One simulator failed to run: report the other's result, then the failure decides the exit.
        process.stdout.write(formatReport(e.report));
        if (json !== undefined)
          await writeFileAtomically(json, toJson(e.report), { arg: '--json', force: argv.force, kind: 'sim' });
        // Each simulator's error in full (the report has the first line of each); the first decides the exit.
        for (const other of e.causes.slice(1)) process.stderr.write(describeFailure(other, s.hash()).text);
        throw e.cause;
      }
      process.stdout.write(formatReport(report));
      if (json !== undefined)
        await writeFileAtomically(json, toJson(report), { arg: '--json', force: argv.force, kind: 'sim' });
      return report.passed ? 0 : EXIT_CHECK_FAILED;
    }, s.hash);
  },
};
