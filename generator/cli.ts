/** axgen command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { GENERATOR_VERSION } from './version.js';
import { commandsFor } from './commands/index.js';
import { argsAsTyped, attachDashValues } from './commands/args.js';

const args = attachDashValues(hideBin(process.argv));

await yargs(args)
  .scriptName('axgen')
  .version(GENERATOR_VERSION)
  .middleware(argsAsTyped(args))
  .command(await commandsFor(args))
  .demandCommand(1, 'Name a command; `axgen --help` lists them.')
  .strict()
  .recommendCommands()
  .wrap(Math.min(110, process.stdout.columns ?? 110))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`✖ ${msg}\nRun \`axgen --help\` for usage.\n`);
    process.exit(1);
  })
  .parseAsync();
