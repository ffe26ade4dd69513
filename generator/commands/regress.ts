import type { CommandModule } from 'yargs';
import { ConfigError, didYouMean, show } from '../infra/errors.js';
import { jobPool } from '../infra/pool.js';
import { progress, silentProgress } from '../infra/progress.js';
import { junitXml, regress, summaryTable } from '../../sim/regress.js';
import { SUITES, suite, type SuiteName } from '../../sim/suite.js';
import { checkReportFile, toJson, writeFileAtomically } from '../infra/files.js';
import { checkDistinctOutputs, outputArg } from '../infra/write.js';
import { SIMULATOR_TOOL } from '../../sim/simulators.js';
import { requireTools } from '../infra/tools.js';
import { forceOption, runCommand, EXIT_CHECK_FAILED, jobsOption } from './common.js';
import { checkJobs, checkSeed, checkStall, simulatorsOf } from './checks.js';
import { USAGE } from './usage.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  suite: string;
  simulator: string;
  jobs?: number;
  seed: number;
  stall: number;
  only?: string[];
  junit?: string;
  json?: string;
  list?: boolean;
  force: boolean;
  progress?: boolean;
}

export const regressCommand: CommandModule<object, Args> = {
  command: USAGE.regress.command,
  describe: USAGE.regress.describe,
  builder: (y) =>
    y
      .option('suite', {
        type: 'string',
        default: 'default',
        describe: `${SUITES.join(' | ')} (full: npm run regress:full)`,
      })
      .option('simulator', { type: 'string', default: 'both', describe: 'icarus | verilator | both' })
      .option('jobs', jobsOption)
      .option('seed', { type: 'number', default: 1, describe: 'stimulus and stall seed of every job' })
      .option('stall', {
        type: 'number',
        default: 0.1,
        describe: 'probability per cycle of an input gap and a result stall',
      })
      .option('only', { type: 'string', array: true, describe: 'run only these suite entries (config names)' })
      .option('junit', { type: 'string', describe: 'write JUnit XML here' })
      .option('json', {
        type: 'string',
        describe: 'write the JSON report here (an existing file only if it is an axgen regress report, unless --force)',
      })
      .option('force', forceOption)
      .option('progress', {
        type: 'boolean',
        describe:
          'the progress of the jobs on stderr: a bar on a terminal, a line per job otherwise (the default); --no-progress for none',
      })
      .option('list', { type: 'boolean', describe: "list the suite's configs and exit" }) as never,
  handler: async (argv) => {
    await runCommand(async () => {
      if (!(SUITES as readonly string[]).includes(argv.suite)) {
        throw new ConfigError('axgen regress', [
          { path: '--suite', expected: SUITES.map((s) => `"${s}"`).join(', '), received: show(argv.suite) },
        ]);
      }
      const simulators = simulatorsOf(argv.simulator, 'axgen regress');
      const seed = checkSeed(argv.seed, 'axgen regress', 'random');
      const stall = checkStall(argv.stall, 'axgen regress');
      checkJobs(argv.jobs, 'axgen regress');
      const junit = outputArg(argv.junit, '--junit', 'none');
      const json = outputArg(argv.json, '--json', 'none');
      checkDistinctOutputs([
        { arg: '--junit', file: junit },
        { arg: '--json', file: json },
      ]);
      if (junit !== undefined) await checkReportFile(junit, { arg: '--junit', force: argv.force, kind: 'junit' });
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'regress' });
      let entries = suite(argv.suite as SuiteName);
      if (argv.only !== undefined) {
        const names = new Set(entries.map((e) => String(e.written.name)));
        const unknown = argv.only.filter((n) => !names.has(n));
        if (unknown.length > 0)
          throw new ConfigError('axgen regress', [
            {
              path: '--only',
              expected: `names of entries of suite ${argv.suite} (see --list)`,
              // Each unknown name with the entry it is closest to, when it looks like a typo of one.
              received: unknown.map((n) => `${show(n)}${didYouMean(n, [...names])}`).join(', '),
            },
          ]);
        entries = entries.filter((e) => argv.only!.includes(String(e.written.name)));
      }
      if (argv.list) {
        for (const e of entries)
          process.stdout.write(
            `${String(e.written.name).padEnd(40)} ${e.about ?? String(e.written.description ?? '')}\n`,
          );
        return 0;
      }
      await requireTools(simulators.map((x) => SIMULATOR_TOOL[x]));
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      usableCacheRoot();
      const bar = argv.progress === false ? silentProgress() : progress();
      const report = await regress(entries, {
        suite: argv.suite,
        simulators,
        seed,
        stall,
        jobs: jobPool.size,
        onStart: (n) => bar.start(n),
        onDone: (r, done, total) => bar.tick(r.name, r.passed, done, total),
      });
      bar.stop();
      for (const r of report.results)
        if (!r.passed)
          process.stdout.write(`\n✖ ${r.name}\n${r.failure ?? ''}${r.report ? '' : `\n  replay: ${r.replay}\n`}`);
      process.stdout.write(summaryTable(report));
      if (junit !== undefined)
        await writeFileAtomically(junit, junitXml(report), { arg: '--junit', force: argv.force, kind: 'junit' });
      if (json !== undefined)
        await writeFileAtomically(json, toJson(report), { arg: '--json', force: argv.force, kind: 'regress' });
      return report.failed === 0 ? 0 : EXIT_CHECK_FAILED;
    });
  },
};
