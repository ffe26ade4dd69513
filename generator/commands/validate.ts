import type { CommandModule } from 'yargs';
import { configSummary, derive } from '../config/derive.js';
import { ConfigSession, EXIT_TOOL, EXIT_USER, runCommand } from './common.js';
import { USAGE } from './usage.js';

interface Args {
  config: string;
  json?: boolean;
  typecheck?: boolean;
}

export const validateCommand: CommandModule<object, Args> = {
  command: USAGE.validate.command,
  describe: USAGE.validate.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file' })
      .option('json', {
        type: 'boolean',
        describe: 'print the resolved config as JSON on stdout (redirect it to save it: > resolved.json)',
      })
      .option('typecheck', {
        type: 'boolean',
        describe:
          "also type-check a .ts config with the TypeScript compiler under axgen's compiler options (axgen runs a .ts config without checking its types; 5–10 s); type errors exit 1",
      }) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      // Types before the values: a type error often explains a value the schema then refuses (a
      // misspelt option), so both are reported in one run.
      let typed = '';
      let typeErrors = 0;
      if (argv.typecheck) {
        if (!/\.[cm]?ts$/.test(argv.config)) {
          typed =
            '\n  types: not checked (--typecheck applies to a .ts config; this one is JSON, checked against the schema)';
        } else {
          const { typecheckConfig, formatTypeProblem, TypeScriptMissingError } = await import('../config/typecheck.js');
          const problems = await typecheckConfig(argv.config).catch((e: unknown) => {
            if (e instanceof TypeScriptMissingError) return e;
            throw e;
          });
          if (problems instanceof Error) {
            process.stderr.write(`✖ --typecheck: ${problems.message}\n`);
            return EXIT_TOOL;
          }
          typeErrors = problems.length;
          if (problems.length > 0)
            process.stderr.write(
              `✖ ${argv.config}: ${problems.length} type error${problems.length === 1 ? '' : 's'}\n` +
                problems.map((p) => `  ${formatTypeProblem(p)}\n`).join(''),
            );
          else typed = "\n  types: checked (TypeScript, axgen's compiler options): no errors";
        }
      }
      const c = await s.load(argv.config);
      if (typeErrors > 0) {
        process.stderr.write(
          `  (its values are valid, so axgen would run it, but not as written: fix the type errors above)\n`,
        );
        return EXIT_USER;
      }
      if (argv.json) {
        process.stdout.write(JSON.stringify(c, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        `✔ ${argv.config}: ${c.name} is valid (sha256:${c.hash.slice(0, 12)})\n  ${configSummary(c, derive(c))}${typed}\n`,
      );
    }, s.hash);
  },
};
