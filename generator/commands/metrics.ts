/** `axgen metrics <config>`: EvoApproxLib-convention error metrics of the configured multiplier. */
import type { CommandModule } from 'yargs';
import { outputArg } from '../infra/write.js';
import { errorMetrics, type ErrorMetrics } from '../metrics/metrics.js';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { forceOption } from './common.js';
import { GENERATOR_VERSION } from '../version.js';
import { formatDesc } from '../units/verilog.js';
import { ConfigSession, runCommand } from './common.js';
import { USAGE } from './usage.js';
import { checkSamples, checkSeed } from './checks.js';

interface Args {
  config: string;
  json?: string;
  seed?: number;
  samples?: number;
  force: boolean;
}

const f = (v: number, d: number) => v.toFixed(d);

/** The human-readable table. */
export function formatMetrics(m: ErrorMetrics): string {
  const set = m.exhaustive
    ? `exhaustive, all ${m.samples} pairs`
    : `sampled: ${m.samples} seeded random pairs (seed ${m.seed}) for the means; WCE and WCRE are the largest seen over those and ${m.corners} corner pairs, so a lower bound of the true worst case`;
  const rows: [string, string][] = [
    ['MAE', f(m.mae, 4)],
    ['MAE%', f(m.maePct, 5)],
    ['WCE', String(m.wce)],
    ['WCE%', f(m.wcePct, 5)],
    ['EP%', f(m.epPct, 3)],
    ['MRE%', f(m.mrePct, 4)],
    ['WCRE%', f(m.wcrePct, 3)],
    ['MSE', f(m.mse, 2)],
    ['bias (mean e)', f(m.bias, 4)],
    ['mean signed rel. error %', f(m.meanRelPct, 4)],
  ];
  const op = (o: { bits: number; signed: boolean }) => formatDesc(o.bits, o.signed);
  return (
    `${m.unit}: activation ${op(m.activation)} × weight ${op(m.weight)}, ${set}\n` +
    rows.map(([k, v]) => `  ${k.padEnd(26)}${v}`).join('\n') +
    `\n  worst case: a=${m.wcePair.a} w=${m.wcePair.w} → ${m.wcePair.approx} (exact ${m.wcePair.exact})\n`
  );
}

export const metricsCommand: CommandModule<object, Args> = {
  command: USAGE.metrics.command,
  describe: USAGE.metrics.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('json', {
        type: 'string',
        describe:
          'also write the metrics as JSON to this file (an existing file only if it is an axgen metrics report, unless --force)',
      })
      .option('force', forceOption)
      .option('seed', { type: 'number', describe: 'seed of the random pairs when sampling (default 1)' })
      .option('samples', {
        type: 'number',
        describe: 'random pairs when sampling (default 1000000; corner pairs come on top)',
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const seed = checkSeed(argv.seed, 'axgen metrics', 1);
      const samples = checkSamples(argv.samples, 1_000_000, 'axgen metrics');
      const json = outputArg(argv.json, '--json', 'none');
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'metrics' });
      const c = await s.load(argv.config);
      const m = errorMetrics(c, { seed, samples });
      process.stdout.write(formatMetrics(m));
      if (json !== undefined) {
        const doc = { generatorVersion: GENERATOR_VERSION, config: c.name, configHash: c.hash, ...m };
        await writeFileAtomically(json, JSON.stringify(doc, null, 2) + '\n', {
          arg: '--json',
          force: argv.force,
          kind: 'metrics',
        });
        process.stdout.write(`✔ wrote ${json}\n`);
      }
    }, s.hash);
  },
};
