/**
 * The CLI's commands; adding one is a module in this folder and an entry here.
 *
 * A command's module (and everything it imports: the golden models, Yosys drivers, the sweep's
 * report renderer...) is imported only when that command runs, so `axgen --help` and `axgen
 * validate` start in a fraction of the time an eager import of every command takes. The list keeps
 * each command's usage line and description for the top-level help; test/cli/startup.test.ts checks
 * that they equal the modules' own.
 */
import type { CommandModule } from 'yargs';

type Loader = () => Promise<CommandModule<object, never>>;

export interface CommandEntry {
  /** yargs usage, e.g. `sweep <spec>`, as the module declares it. */
  command: string;
  aliases?: string[];
  describe: string;
  load: Loader;
}

const m = <T>(p: Promise<T>, pick: (mod: T) => unknown): Promise<CommandModule<object, never>> => p.then((mod) => pick(mod) as CommandModule<object, never>);

export const COMMANDS: CommandEntry[] = [
  { command: 'validate <config>', describe: 'Check a config (.ts or .json) and print its resolved form; writes nothing', load: () => m(import('./validate.js'), (x) => x.validateCommand) },
  { command: 'generate <config>', describe: 'Emit the Verilog, manifest.json and files.f of a config into rtl-out/<name>/ (or --out)', load: () => m(import('./generate.js'), (x) => x.generateCommand) },
  { command: 'sim [config]', describe: 'Co-simulate what a config generates (its AXI top for interface "axi", else its stream top; or a generated folder, --rtl) against its golden model in Icarus and/or Verilator', load: () => m(import('./sim.js'), (x) => x.simCommand) },
  { command: 'regress', describe: 'Co-simulate a suite of configs (every unit kind, both dataflows, several shapes) on both simulators in parallel', load: () => m(import('./regress.js'), (x) => x.regressCommand) },
  { command: 'fpga <config>', describe: 'Synthesize, place and route the IP on an iCE40 (Yosys, nextpnr-ice40, icepack); report utilisation and fmax', load: () => m(import('./fpga.js'), (x) => x.fpgaCommand) },
  { command: 'synth <config>', describe: 'Synthesize a config with Yosys (hierarchically: the PE once) and print its area for a target; --verify also co-simulates the netlists', load: () => m(import('./synth.js'), (x) => x.synthCommand) },
  {
    command: 'sweep <spec>',
    describe: 'Run a design-space sweep: synthesize every point, measure its error and throughput, write results.{json,csv} and report.{md,html}',
    load: () => m(import('./sweep.js'), (x) => x.sweepCommand),
  },
  {
    command: 'sweep-merge <shards..>',
    aliases: ['merge'],
    describe: 'Combine the results folders of all shards of one sweep into one results folder and report (identical to an unsharded run)',
    load: () => m(import('./sweep.js'), (x) => x.sweepMergeCommand),
  },
  {
    command: 'unit <config>',
    describe: 'Emit the configured multiplier as a standalone <name>_unit module (edge preprocessing + PE multiplier) and optionally check it',
    load: () => m(import('./unit.js'), (x) => x.unitCommand),
  },
  {
    command: 'metrics <config>',
    describe: 'Error metrics of the configured multiplier (MAE, WCE, EP, MRE, WCRE, MSE, bias): exhaustive up to 20 operand bits, else seeded sampling',
    load: () => m(import('./metrics.js'), (x) => x.metricsCommand),
  },
  {
    command: 'infer <config>',
    describe: 'Run an int8 ONNX model on input files through the generated RTL: every GEMM tile co-simulated and compared with the golden model word for word; prints class scores',
    load: () => m(import('./infer.js'), (x) => x.inferCommand),
  },
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
