/** What every command shares: loading a config, and turning errors into exit codes and messages. */
import { ConfigError, InternalError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { ToolMissingError } from '../../sim/tools.js';
import { FORCE_HELP } from '../emit/write.js';

/** The `--force` option of every command that writes an output folder or file (generator/emit/write.ts). */
export const forceOption = { type: 'boolean', default: false, describe: FORCE_HELP } as const;

export const EXIT_USER = 1;
export const EXIT_TOOL = 2;
export const EXIT_INTERNAL = 3;
/** A check ran and found a difference (sim, unit, regress) or a design does not fit (fpga). */
export const EXIT_CHECK_FAILED = 4;
/** A sweep finished but some of its points failed (their errors are in the results). */
export const EXIT_POINTS_FAILED = 5;

/** Runs a command body; user errors exit 1, a missing tool 2, anything else is an internal error (3). */
export async function runCommand(body: () => Promise<number | void>, hashOf?: () => string | undefined): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nNothing was written.\n`);
      process.exitCode = EXIT_USER;
    } else if (e instanceof ToolMissingError) {
      process.stderr.write(`✖ ${e.message}\n`);
      process.exitCode = EXIT_TOOL;
    } else if (e instanceof InternalError) {
      process.stderr.write(`${e.message}\n${e.cause instanceof Error ? e.cause.stack : ''}\n`);
      process.exitCode = EXIT_INTERNAL;
    } else {
      const hash = hashOf?.() ?? 'unknown';
      const err = new InternalError((e as Error).message ?? String(e), hash, { cause: e });
      process.stderr.write(`${err.message}\n${(e as Error).stack ?? ''}\n`);
      process.exitCode = EXIT_INTERNAL;
    }
  }
}

/** Loads and resolves a config, remembering its hash for internal-error reports. */
export class ConfigSession {
  config?: ResolvedConfig;
  async load(file: string): Promise<ResolvedConfig> {
    this.config = await loadConfig(file);
    return this.config;
  }
  hash = (): string | undefined => this.config?.hash;
}
