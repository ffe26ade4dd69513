import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import { generateTo } from '../emit/generate.js';
import { checkOutFolder, outputArg, OUT_EXISTING_HELP } from '../infra/write.js';
import { ConfigSession, forceOption, runCommand } from './common.js';
import { USAGE } from './usage.js';

interface Args {
  config: string;
  out?: string;
  force: boolean;
}

export const generateCommand: CommandModule<object, Args> = {
  command: USAGE.generate.command,
  describe: USAGE.generate.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('out', { type: 'string', describe: `output folder (default: rtl-out/<name>); ${OUT_EXISTING_HELP}` })
      .option('force', forceOption) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const given = outputArg(argv.out, '--out', 'default');
      if (given !== undefined) await checkOutFolder(given, { force: argv.force, command: 'generate' });
      const c = await s.load(argv.config);
      const out = given ?? join('rtl-out', c.name);
      const g = await generateTo(c, out, { force: argv.force });
      process.stdout.write(
        `✔ ${c.name}: ${g.files.length} Verilog files, top ${g.manifest.ipTop}, config sha256:${c.hash.slice(0, 12)} → ${out}/\n`,
      );
    }, s.hash);
  },
};
