/** axgen command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { GENERATOR_VERSION } from './version.js';
import { COMMANDS, commandsFor, namesOf, type CommandEntry } from './commands/index.js';
import { closest } from './infra/errors.js';
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
function reworded(msg: string, named: CommandEntry | undefined, options: readonly string[]): string {
  const typed = args.find((a) => !a.startsWith('-'));
  if (!named && /^Did you mean /.test(msg) && typed !== undefined)
    return `unknown command ${JSON.stringify(typed)}: ${msg.replace(/^Did you mean (\S+?)\??$/, 'did you mean "$1"?')}`;
  if (!named && /^Unknown argument: /.test(msg) && typed !== undefined && msg.endsWith(typed))
    return `unknown command ${JSON.stringify(typed)}; \`axgen --help\` lists the commands`;
  // yargs lists a kebab-case option twice, as typed and in camel case: keep what was typed, and
  // suggest the command's option a typo is closest to.
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(', ');
    const camel = (n: string) => n.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const twins = new Set(names.filter((n) => n.includes('-')).map(camel));
    const kept = names
      .filter((n) => n.includes('-') || !twins.has(n))
      .map((n) => {
        // A value after a flag (`validate c.json --json out.json`): the flag takes none.
        const i = args.indexOf(n);
        const flag = i > 0 ? /^--(?:no-)?([a-z][a-z0-9-]*)$/.exec(args[i - 1]!)?.[1] : undefined;
        if (flag !== undefined && booleans.includes(flag)) return `${n} (--${flag} is a flag and takes no value)`;
        const near = closest(n, options);
        return near === undefined ? n : `${n} (did you mean --${near}?)`;
      });
    return `${kept.length > 1 ? 'Unknown arguments' : 'Unknown argument'}: ${kept.join(', ')}`;
  }
  // A required option missing because it was mistyped: say so rather than only that it is missing.
  const missing = /^Missing required argument: (\S+)$/.exec(msg);
  if (missing) {
    const typo = args
      .filter((a) => a.startsWith('--'))
      .map((a) => a.slice(2).split('=')[0]!)
      .find((a) => !options.includes(a) && closest(a, options) === missing[1]);
    if (typo !== undefined)
      return `${msg} (--${typo} is no option${named ? ` of axgen ${namesOf(named)[0]}` : ''}: did you mean --${missing[1]}?)`;
  }
  if (named && /^Not enough non-option arguments/.test(msg))
    return `axgen ${named.command}: expected ${named.command.split(' ').slice(1).join(' ')}, received nothing`;
  return msg;
}

/**
 * The options of a command as typed (kebab-case), and which of them are boolean flags: its builder
 * run on a throwaway parser.
 */
async function optionsOf(e: CommandEntry): Promise<{ names: string[]; booleans: string[] }> {
  const mod = await e.load();
  const y = yargs([]);
  if (typeof mod.builder === 'function') mod.builder(y as never);
  const o = (y as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[] } }).getOptions();
  const kebab = (k: string) => !/[A-Z_$]/.test(k);
  return { names: Object.keys(o.key).filter(kebab), booleans: o.boolean.filter(kebab) };
}

// The command named in the arguments and its options, for the messages of a refused argument (the
// fail handler below must be synchronous, or yargs runs the command meanwhile).
const named = args.map((a) => COMMANDS.find((e) => namesOf(e).includes(a))).find((e) => e !== undefined);
const { names: options, booleans } = named ? await optionsOf(named) : { names: [], booleans: [] };

// A flag given a value other than true or false (`--force=yes`) would be read as false, and a
// refusal then tells the user to add the --force they typed: refuse it as typed.
for (const a of args) {
  if (a === '--') break;
  const m = /^--(?:no-)?([a-z][a-z0-9-]*)=(.*)$/.exec(a);
  if (m && booleans.includes(m[1]!) && m[2] !== 'true' && m[2] !== 'false') {
    process.stderr.write(
      `✖ --${m[1]}: expected the flag alone (--${m[1]}, --no-${m[1]}) or =true / =false, received ${JSON.stringify(m[2])}\nNothing was written.\n`,
    );
    process.exit(1);
  }
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
    const help = named ? `axgen ${namesOf(named)[0]} --help\` for its options` : 'axgen --help` for usage';
    process.stderr.write(`✖ ${reworded(msg, named, options)}\nNothing was written. Run \`${help}.\n`);
    process.exit(1);
  })
  .parseAsync();
