import type { CommandModule } from 'yargs';
import { ConfigError, show } from '../infra/errors.js';
import { checkReportFile, toJson, writeFileAtomically } from '../infra/files.js';
import { outputArg } from '../infra/write.js';
import { activity, progressWanted } from '../infra/progress.js';
import { formatNetworkReport, NetworkRunFailed, simulateNetwork, type NetworkReport } from '../../sim/network.js';
import { SIMULATOR_TOOL } from '../../sim/simulators.js';
import { requireTools } from '../infra/tools.js';
import { ConfigSession, EXIT_CHECK_FAILED, forceOption, runCommand, jobsOption } from './common.js';
import { checkJobs, simulatorsOf } from './checks.js';
import { USAGE } from './usage.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config: string;
  model?: string;
  input?: string[];
  simulator: string;
  'golden-only': boolean;
  json?: string;
  force: boolean;
  jobs?: number;
  progress?: boolean;
}

const argError = (path: string, expected: string, received: unknown) =>
  new ConfigError('axgen infer', [{ path, expected, received: show(received) }]);

export const inferCommand: CommandModule<object, Args> = {
  command: USAGE.infer.command,
  describe: USAGE.infer.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', describe: 'config file (.ts or .json)' })
      .option('model', { type: 'string', describe: 'the int8-quantized ONNX model (.onnx, QDQ or operator form)' })
      .option('input', {
        type: 'string',
        array: true,
        describe:
          'one or more input files (ONNX TensorProto .pb or NumPy .npy): the element type and number of elements the model input declares',
      })
      .option('simulator', { type: 'string', default: 'verilator', describe: 'icarus | verilator | both' })
      .option('golden-only', {
        type: 'boolean',
        default: false,
        describe: 'run the golden model only (no RTL, no simulator)',
      })
      .option('json', {
        type: 'string',
        describe: 'write the JSON report here (an existing file only if it is an axgen infer report, unless --force)',
      })
      .option('force', forceOption)
      .option('jobs', jobsOption)
      .option('progress', {
        type: 'boolean',
        describe:
          'show the golden model and each simulator on stderr as they start and end (default: on a terminal only)',
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      if (argv.model === undefined || argv.model === '')
        throw argError('--model', 'an ONNX model file (.onnx)', argv.model);
      const inputs = (argv.input ?? []).map(String);
      if (inputs.length === 0) throw argError('--input', 'one or more input files (.pb or .npy)', 'nothing');
      const simulators = simulatorsOf(argv.simulator, 'axgen infer');
      checkJobs(argv.jobs, 'axgen infer');
      const json = outputArg(argv.json, '--json', 'none');
      if (json !== undefined) await checkReportFile(json, { arg: '--json', force: argv.force, kind: 'infer' });
      const c = await s.load(argv.config);
      const goldenOnly = argv['golden-only'];
      if (!goldenOnly) {
        const tools = simulators.map((x) => SIMULATOR_TOOL[x]);
        const present = await Promise.all(
          tools.map((t) =>
            requireTools([t]).then(
              () => true,
              () => false,
            ),
          ),
        );
        if (!present.some(Boolean)) await requireTools(tools);
        usableCacheRoot();
      }
      const progress = activity(progressWanted(argv.progress));
      let report: NetworkReport;
      try {
        report = await simulateNetwork(c, argv.model, inputs, { simulators, goldenOnly, progress }).finally(() =>
          progress.stop(),
        );
      } catch (e) {
        if (!(e instanceof NetworkRunFailed)) throw e;
        process.stdout.write(formatNetworkReport(e.report));
        if (json !== undefined)
          await writeFileAtomically(json, toJson(e.report), { arg: '--json', force: argv.force, kind: 'infer' });
        throw e.cause;
      }
      process.stdout.write(formatNetworkReport(report));
      if (json !== undefined)
        await writeFileAtomically(json, toJson(report), { arg: '--json', force: argv.force, kind: 'infer' });
      return report.passed ? 0 : EXIT_CHECK_FAILED;
    }, s.hash);
  },
};
