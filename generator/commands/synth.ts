import type { CommandModule } from 'yargs';
import { checkReportFile, toJson, writeFileAtomically } from '../infra/files.js';
import { flowsOf, formatGateReport, gateCosim, gateSummary, type GateReport } from '../../sim/gate.js';
import { synthesize, formatSynth } from '../estimate/synth.js';
import { TARGETS } from '../estimate/targets.js';
import { outputArg } from '../infra/write.js';
import { activity, progressWanted } from '../infra/progress.js';
import { ConfigSession, EXIT_CHECK_FAILED, forceOption, jobsOption, runCommand } from './common.js';
import { checkGemm } from './sim.js';
import { targetHintsOf } from '../units/index.js';
import { derive } from '../config/derive.js';
import { checkJobs, checkSeed, checkStall, checkTarget, simulatorsOf } from './checks.js';
import { USAGE } from './usage.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config: string;
  target: string;
  json?: string;
  verify: boolean;
  simulator: string;
  gemm?: string;
  seed: number;
  stall: number;
  jobs?: number;
  force: boolean;
  progress?: boolean;
}

export const synthCommand: CommandModule<object, Args> = {
  command: USAGE.synth.command,
  describe: USAGE.synth.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('target', { type: 'string', default: 'ice40', describe: `synthesis target: ${TARGETS.join(', ')}` })
      .option('json', {
        type: 'string',
        describe:
          'also write the full result (figures per part and variant, cell counts, tool version) to this file (an existing file only if it is an axgen synth report, unless --force)',
      })
      .option('force', forceOption)
      .option('jobs', jobsOption)
      .option('progress', {
        type: 'boolean',
        describe:
          'show each Yosys run on stderr as it starts and ends (default: on a terminal only; --no-progress: never)',
      })
      .option('verify', {
        type: 'boolean',
        default: false,
        describe:
          "gate-level check: synthesize <name>_top flattened with each of the target's variants (with and without DSPs) and co-simulate the netlist with Yosys' cell models against the golden model (exit 4 on a difference)",
      })
      .option('simulator', { type: 'string', default: 'icarus', describe: 'with --verify: icarus | verilator | both' })
      .option('gemm', {
        type: 'string',
        describe:
          'with --verify: random GEMM MxKxN (default: larger than the array in M, K and N), plus the directed tiles',
      })
      .option('seed', { type: 'number', default: 1, describe: 'with --verify: stimulus and stall seed' })
      .option('stall', {
        type: 'number',
        default: 0.1,
        describe: 'with --verify: probability per cycle of an input gap and a result stall',
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const target = checkTarget(argv.target, 'axgen synth');
      const json = outputArg(argv.json, '--json', 'none');
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'synth' });
      const simulators = simulatorsOf(argv.simulator, 'axgen synth');
      const seed = checkSeed(argv.seed, 'axgen synth', 'random');
      const stall = checkStall(argv.stall, 'axgen synth');
      checkJobs(argv.jobs, 'axgen synth');
      const c = await s.load(argv.config);
      const gemm = checkGemm(c, argv.gemm);
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      usableCacheRoot();
      const steps = activity(progressWanted(argv.progress));
      const onRun = (label: string) => {
        const end = steps.start(label);
        return (hit: boolean) => end(hit ? 'cached' : 'done');
      };
      const r = await synthesize(c, target, { onRun }).finally(() => steps.stop());
      process.stdout.write(formatSynth(c.name, r));
      for (const h of targetHintsOf(c.multiplier, target, { stages: derive(c).peStages > 0 }))
        process.stdout.write(`hint: ${h}\n`);
      let verification: GateReport[] | undefined;
      if (argv.verify) {
        verification = [];
        for (const flow of flowsOf(target)) {
          const g = await gateCosim(c, { flow, simulators, seed, gemm, stall, source: argv.config });
          process.stdout.write(formatGateReport(g));
          verification.push(g);
        }
      }
      if (json !== undefined) {
        const out = {
          name: c.name,
          configHash: c.hash,
          ...r,
          ...(verification ? { verification: verification.map(gateSummary) } : {}),
        };
        await writeFileAtomically(json, toJson(out), { arg: '--json', force: argv.force, kind: 'synth' });
      }
      return verification && !verification.every((g) => g.passed) ? EXIT_CHECK_FAILED : 0;
    }, s.hash);
  },
};
