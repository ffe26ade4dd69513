/**
 * `axgen unit <config>`: emit the configured multiplier standalone (`<name>_unit` = act_pre →
 * wgt_pre → mul) and optionally check it against its golden model in Icarus and/or Verilator
 * (exhaustive up to 20 operand bits, else corners plus seeded random pairs).
 */
import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import { ConfigError, show } from '../infra/errors.js';
import { emitUnit, unitTopModule } from '../emit/unit.js';
import { checkOutFolder, outputArg, OUT_EXISTING_HELP, writeFolderAtomically } from '../infra/write.js';
import { checkUnits, describeFailures } from '../../sim/unit-harness.js';
import { SIMULATOR_TOOL, type SimulatorName } from '../../sim/simulators.js';
import { requireTools } from '../infra/tools.js';
import { ConfigSession, forceOption, runCommand, EXIT_CHECK_FAILED } from './common.js';
import { checkSamples, checkSeed } from './checks.js';
import { USAGE } from './usage.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config: string;
  out?: string;
  check?: string;
  seed?: number;
  samples?: number;
  force: boolean;
}

function simulators(arg: string | undefined): SimulatorName[] {
  if (arg === undefined) return [];
  if (arg === 'both') return ['icarus', 'verilator'];
  if (arg === 'icarus' || arg === 'verilator') return [arg];
  throw new ConfigError('axgen unit', [
    { path: '--check', expected: '"icarus", "verilator" or "both"', received: show(arg) },
  ]);
}

export const unitCommand: CommandModule<object, Args> = {
  command: USAGE.unit.command,
  describe: USAGE.unit.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('out', { type: 'string', describe: `output folder (default: rtl-out/<name>_unit); ${OUT_EXISTING_HELP}` })
      .option('force', forceOption)
      .option('check', { type: 'string', describe: 'check against the golden model: icarus | verilator | both' })
      .option('seed', { type: 'number', describe: 'seed of the random pairs above 20 operand bits (default 1)' })
      .option('samples', {
        type: 'number',
        describe: 'random pairs above 20 operand bits (default 20000; corners come on top)',
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const given = outputArg(argv.out, '--out', 'default');
      if (given !== undefined) await checkOutFolder(given, { force: argv.force, command: 'unit' });
      const sims = simulators(argv.check);
      const seed = checkSeed(argv.seed, 'axgen unit', 1);
      const samples = checkSamples(argv.samples, 20_000, 'axgen unit');
      const c = await s.load(argv.config);
      await requireTools(sims.map((x) => SIMULATOR_TOOL[x]));
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      if (sims.length > 0) usableCacheRoot();
      const files = emitUnit(c);
      const out = given ?? join('rtl-out', `${c.name}_unit`);
      await writeFolderAtomically(
        out,
        [
          ...files.map((x) => ({ name: x.name, text: x.text })),
          { name: 'files.f', text: files.map((x) => x.name).join('\n') + '\n' },
        ],
        { force: argv.force, command: 'unit' },
      );
      process.stdout.write(`✔ ${c.name}: ${files.length} Verilog files, top ${unitTopModule(c)} → ${out}/\n`);
      let failed = false;
      for (const sim of sims) {
        const r = await checkUnits([c], sim, { seed, samples });
        const v = r.variants[0]!;
        const how = v.exhaustive ? 'exhaustive' : `corners + ${samples} random pairs, seed ${v.seed}`;
        if (r.passed) {
          const split = v.split ? '; on each, sext(px_o) + pc_o = p_o (the split product the PE adds)' : '';
          process.stdout.write(
            `✔ ${sim} (${r.toolVersion}): ${v.checked} vectors (${how}) match the golden model${split}\n`,
          );
        } else {
          failed = true;
          process.stdout.write(`✖ ${sim} (${r.toolVersion}): ${describeFailures(r)}\n`);
        }
      }
      return failed ? EXIT_CHECK_FAILED : 0;
    }, s.hash);
  },
};
