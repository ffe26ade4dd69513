import type { CommandModule } from 'yargs';
import { configSummary, derive } from '../config/derive.js';
import { ConfigSession, runCommand } from './common.js';
import { USAGE } from './usage.js';

interface Args {
  config: string;
  json?: boolean;
}

export const validateCommand: CommandModule<object, Args> = {
  command: USAGE.validate.command,
  describe: USAGE.validate.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file' })
      .option('json', { type: 'boolean', describe: 'print the resolved config as JSON' }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const c = await s.load(argv.config);
      if (argv.json) {
        process.stdout.write(JSON.stringify(c, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        `✔ ${argv.config}: ${c.name} is valid (sha256:${c.hash.slice(0, 12)})\n  ${configSummary(c, derive(c))}\n`,
      );
    }, s.hash);
  },
};
