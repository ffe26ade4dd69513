/**
 * The CLI's commands; adding one is a module in this folder and an entry here.
 *
 * A command's module (and everything it imports: the golden models, Yosys drivers, the sweep's
 * report renderer...) is imported only when that command runs, so `axgen --help` and `axgen
 * validate` start in a fraction of the time an eager import of every command takes. Usage lines and descriptions live in
 * ./usage.ts, which the modules read too; test/cli/startup.test.ts checks that each module uses its
 * own entry.
 */
import type { CommandModule } from 'yargs';
import { USAGE } from './usage.js';

type Loader = () => Promise<CommandModule<object, never>>;

export interface CommandEntry {
  /** yargs usage, e.g. `sweep <spec>`, as the module declares it. */
  command: string;
  aliases?: string[];
  describe: string;
  load: Loader;
}

/** A USAGE entry as a CommandEntry's fields (yargs wants mutable alias arrays). */
const usage = (u: { command: string; aliases?: readonly string[]; describe: string }) => ({
  command: u.command,
  describe: u.describe,
  ...(u.aliases ? { aliases: [...u.aliases] } : {}),
});

const m = <T>(p: Promise<T>, pick: (mod: T) => unknown): Promise<CommandModule<object, never>> =>
  p.then((mod) => pick(mod) as CommandModule<object, never>);

export const COMMANDS: CommandEntry[] = [
  { ...usage(USAGE.validate), load: () => m(import('./validate.js'), (x) => x.validateCommand) },
  { ...usage(USAGE.generate), load: () => m(import('./generate.js'), (x) => x.generateCommand) },
  { ...usage(USAGE.sim), load: () => m(import('./sim.js'), (x) => x.simCommand) },
  { ...usage(USAGE.regress), load: () => m(import('./regress.js'), (x) => x.regressCommand) },
  { ...usage(USAGE.fpga), load: () => m(import('./fpga.js'), (x) => x.fpgaCommand) },
  { ...usage(USAGE.synth), load: () => m(import('./synth.js'), (x) => x.synthCommand) },
  { ...usage(USAGE.sweep), load: () => m(import('./sweep.js'), (x) => x.sweepCommand) },
  { ...usage(USAGE.sweepMerge), load: () => m(import('./sweep.js'), (x) => x.sweepMergeCommand) },
  { ...usage(USAGE.unit), load: () => m(import('./unit.js'), (x) => x.unitCommand) },
  { ...usage(USAGE.metrics), load: () => m(import('./metrics.js'), (x) => x.metricsCommand) },
  { ...usage(USAGE.infer), load: () => m(import('./infer.js'), (x) => x.inferCommand) },
  { ...usage(USAGE.quantize), load: () => m(import('./quantize.js'), (x) => x.quantizeCommand) },
  { ...usage(USAGE.accuracy), load: () => m(import('./accuracy.js'), (x) => x.accuracyCommand) },
  { ...usage(USAGE.exportLut), load: () => m(import('./export-lut.js'), (x) => x.exportLutCommand) },
];

/** The names a command answers to: the first word of its usage and its aliases. */
export function namesOf(e: CommandEntry): string[] {
  return [e.command.split(' ')[0]!, ...(e.aliases ?? [])];
}

/**
 * The commands to register for these arguments: the full module of the command named in `args`
 * (the first word that is a command name), and a stub with only usage and description for every
 * other command (enough for the top-level help and for "did you mean"). A stub that yargs runs
 * anyway (arguments it reads differently) loads its module then and runs its handler.
 */
export async function commandsFor(args: readonly string[]): Promise<CommandModule<object, never>[]> {
  let chosen: CommandEntry | undefined;
  for (const a of args) {
    chosen = COMMANDS.find((e) => namesOf(e).includes(a));
    if (chosen) break;
  }
  return Promise.all(
    COMMANDS.map(async (e): Promise<CommandModule<object, never>> => {
      if (e === chosen) return e.load();
      return {
        command: e.command,
        ...(e.aliases ? { aliases: e.aliases } : {}),
        describe: e.describe,
        handler: async (argv) => {
          const real = await e.load();
          await real.handler(argv);
        },
      };
    }),
  );
}
