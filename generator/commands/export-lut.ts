/** `axgen export-lut <config>`: the configured multiplier's product table for TFApprox, AdaPT or NumPy. */
import type { CommandModule } from 'yargs';
import { ConfigError, show } from '../infra/errors.js';
import { outputArg } from '../infra/write.js';
import { encodeLut, LUT_FORMATS, type LutFormat } from '../export/lut.js';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { ConfigSession, forceOption, runCommand } from './common.js';
import { USAGE } from './usage.js';

interface Args {
  config: string;
  format?: string;
  out?: string;
  force: boolean;
}

const EXT: Record<LutFormat, string> = { tfapprox: '.bin', adapt: '.h', npy: '.npy' };

export const exportLutCommand: CommandModule<object, Args> = {
  command: USAGE.exportLut.command,
  describe: USAGE.exportLut.describe,
  builder: (y) =>
    y
      .positional('config', {
        type: 'string',
        demandOption: true,
        describe: 'config file (.ts or .json); operands of at most 8 bits',
      })
      .option('format', {
        type: 'string',
        describe: `${LUT_FORMATS.join(' | ')} (default npy); layouts in docs/accuracy.md`,
      })
      .option('out', {
        type: 'string',
        describe:
          'output file (default: <config name>-lut.<bin|h|npy>); an existing file is moved aside only with --force',
      })
      .option('force', forceOption) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const format = (argv.format ?? 'npy') as LutFormat;
      if (!LUT_FORMATS.includes(format))
        throw new ConfigError('axgen export-lut', [
          { path: '--format', expected: LUT_FORMATS.join(', '), received: show(argv.format) },
        ]);
      const given = outputArg(argv.out, '--out', 'default');
      const opts = { arg: '--out', force: argv.force, kind: 'lut' } as const;
      if (given !== undefined) await checkReportFile(given, opts);
      const c = await s.load(argv.config);
      const out = given ?? `${c.name}-lut${EXT[format]}`;
      const bytes = encodeLut(c, format);
      await writeFileAtomically(out, bytes, opts);
      process.stdout.write(`✔ ${c.name}: ${format} product table → ${out} (${bytes.length} bytes)\n`);
    }, s.hash);
  },
};
