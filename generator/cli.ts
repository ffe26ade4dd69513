/** axgen command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { GENERATOR_VERSION } from './version.js';
import { COMMANDS, commandsFor, namesOf, type CommandEntry } from './commands/index.js';
import { argsAsTyped, attachDashValues } from './commands/args.js';

// A reader that stops early (`axgen … | head`) closes the pipe: the command goes on without its
// console output (a --json or --out file is still written) and exits with its own code, instead
// of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

const args = attachDashValues(hideBin(process.argv));

/**
 * yargs' messages in the project's voice where they leave out what was typed or expected: an
 * unknown command ("Did you mean fpga?" alone) and a missing positional ("Not enough non-option
 * arguments: got 0, need at least 1").
 */
function reworded(msg: string, named: CommandEntry | undefined): string {
  const typed = args.find((a) => !a.startsWith('-'));
  if (!named && /^Did you mean /.test(msg) && typed !== undefined)
    return `unknown command ${JSON.stringify(typed)}: ${msg.replace(/^Did you mean (\S+?)\??$/, 'did you mean "$1"?')}`;
  if (!named && /^Unknown argument: /.test(msg) && typed !== undefined && msg.endsWith(typed))
    return `unknown command ${JSON.stringify(typed)}; \`axgen --help\` lists the commands`;
  // yargs lists a kebab-case option twice, as typed and in camel case: keep what was typed.
  const unknown = /^Unknown arguments: (.*)$/.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(', ');
    const camel = (n: string) => n.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const twins = new Set(names.filter((n) => n.includes('-')).map(camel));
    const kept = names.filter((n) => n.includes('-') || !twins.has(n));
    return `${kept.length > 1 ? 'Unknown arguments' : 'Unknown argument'}: ${kept.join(', ')}`;
  }
  if (named && /^Not enough non-option arguments/.test(msg))
    return `axgen ${named.command}: expected ${named.command.split(' ').slice(1).join(' ')}, received nothing`;
  return msg;
}

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
    // The named command's own help lists its options; the top-level help lists the commands.
    const named = args.map((a) => COMMANDS.find((e) => namesOf(e).includes(a))).find((e) => e !== undefined);
    const help = named ? `axgen ${namesOf(named)[0]} --help\` for its options` : 'axgen --help` for usage';
    process.stderr.write(`✖ ${reworded(msg, named)}\nNothing was written. Run \`${help}.\n`);
    process.exit(1);
  })
  .parseAsync();
