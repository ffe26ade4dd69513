import type { CommandModule } from 'yargs';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { ConfigError } from '../infra/errors.js';
import { synthesize, formatSynth } from '../estimate/synth.js';
import { isTarget, TARGETS } from '../estimate/targets.js';
import { outputArg } from '../infra/write.js';
import { activity, progressWanted } from '../infra/progress.js';
import { ConfigSession, forceOption, runCommand } from './common.js';

interface Args {
  config: string;
  target: string;
  json?: string;
  force: boolean;
  progress?: boolean;
}

export const synthCommand: CommandModule<object, Args> = {
  command: 'synth <config>',
  describe: 'Synthesize a config with Yosys (hierarchically: the PE once) and print its area for a target',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('target', { type: 'string', default: 'ice40', describe: `synthesis target: ${TARGETS.join(', ')}` })
      .option('json', { type: 'string', describe: 'also write the full result (figures per part and variant, cell counts, tool version) to this file (an existing file only if it is an axgen synth report, unless --force)' })
      .option('force', forceOption)
      .option('progress', { type: 'boolean', describe: 'show each Yosys run on stderr as it starts and ends (default: on a terminal only; --no-progress: never)' }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      if (!isTarget(argv.target)) {
        throw new ConfigError('--target', [{ path: '--target', expected: `one of ${TARGETS.map((t) => `"${t}"`).join(', ')}`, received: JSON.stringify(argv.target) }]);
      }
      const json = outputArg(argv.json, '--json');
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'synth' });
      const c = await s.load(argv.config);
      const steps = activity(progressWanted(argv.progress));
      const onRun = (label: string) => {
        const end = steps.start(label);
        return (hit: boolean) => end(hit ? 'cached' : 'done');
      };
      const r = await synthesize(c, argv.target, { onRun }).finally(() => steps.stop());
      if (json !== undefined) await writeFileAtomically(json, JSON.stringify({ name: c.name, configHash: c.hash, ...r }, null, 2) + '\n', { arg: '--json', force: argv.force, kind: 'synth' });
      process.stdout.write(formatSynth(c.name, r));
    }, s.hash);
  },
};
