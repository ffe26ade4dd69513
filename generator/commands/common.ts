/** What every command shares: loading a config, and turning errors into exit codes and messages. */
import { CircuitMismatchError, ConfigError, FS_ERRORS, InternalError } from '../infra/errors.js';
import { unitFor } from '../units/index.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { SimulatorCompileError, ToolMissingError } from '../infra/tools.js';
import { FORCE_HELP } from '../infra/write.js';
import { optionForPath } from './args.js';

/** The `--force` option of every command that writes an output folder or file (generator/infra/write.ts). */
export const forceOption = { type: 'boolean', default: false, describe: FORCE_HELP } as const;

/** Every command's `--jobs` (checked and applied to the job pool by checks.ts checkJobs). */
export const jobsOption = {
  type: 'number',
  describe: 'parallel tool jobs (the shared job pool; default: AXGEN_JOBS or the number of cores)',
} as const;

export const EXIT_USER = 1;
export const EXIT_TOOL = 2;
export const EXIT_INTERNAL = 3;
/**
 * A check ran and found a difference (sim, unit, regress, an imported circuit against its table), a
 * design does not fit (fpga), or the simulator could not compile Verilog read from the user's folder
 * (`sim --rtl`) or an imported circuit.
 */
export const EXIT_CHECK_FAILED = 4;
/** A sweep finished but some of its points failed (their errors are in the results). */
export const EXIT_POINTS_FAILED = 5;

const SYSCALL_VERB: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  mkdtemp: 'create a temporary folder',
  rename: 'move into place',
  scandir: 'list the folder',
  opendir: 'list the folder',
  stat: 'look up',
  lstat: 'look up',
  access: 'access',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  copyfile: 'copy',
};

/**
 * One line for a filesystem error that is the user's or the machine's, not axgen's: on a path the
 * user gave (or next to it, for the temporary siblings of atomic writes), or a permission, read-only
 * or disk-full error anywhere. Other filesystem errors (a missing file axgen wrote itself) are bugs.
 */
export function fsErrorLine(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;
  const kind = FS_ERRORS[code];
  if (!kind) return undefined;
  const given = optionForPath(path);
  if (!given && !kind.environment) return undefined;
  const where = given ? `${given.option} ${JSON.stringify(given.path)}` : 'file system';
  const verb = SYSCALL_VERB[syscall ?? ''] ?? syscall ?? 'use';
  // mkdir -p through a file: Node reports EEXIST for the file that is in the way.
  const { reason, advice } =
    code === 'EEXIST' && syscall === 'mkdir'
      ? { reason: 'a file is in the way of that folder', advice: FS_ERRORS.ENOTDIR!.advice }
      : kind;
  return `✖ ${where}: cannot ${verb} ${path}: ${reason} (${code}); ${advice}.`;
}

/** The exit code and the text for an error that ended a command. */
export function describeFailure(e: unknown, hash: string | undefined): { exitCode: number; text: string } {
  if (e instanceof ConfigError) return { exitCode: EXIT_USER, text: `${e.message}\nNothing was written.\n` };
  if (e instanceof ToolMissingError) return { exitCode: EXIT_TOOL, text: `✖ ${e.message}\n` };
  if (e instanceof SimulatorCompileError && e.userRtl) return { exitCode: EXIT_CHECK_FAILED, text: `✖ ${e.message}\n` };
  if (e instanceof CircuitMismatchError) return { exitCode: EXIT_CHECK_FAILED, text: `✖ ${e.message}\n` };
  const fs = fsErrorLine(e);
  if (fs) return { exitCode: EXIT_USER, text: `${fs}\n` };
  if (e instanceof InternalError)
    return { exitCode: EXIT_INTERNAL, text: `${e.message}\n${e.cause instanceof Error ? e.cause.stack : ''}\n` };
  const err = new InternalError((e as Error)?.message ?? String(e), hash ?? 'unknown', { cause: e });
  return { exitCode: EXIT_INTERNAL, text: `${err.message}\n${(e as Error)?.stack ?? ''}\n` };
}

/**
 * Runs a command body. User errors (bad input, a filesystem error on a path the user gave) exit 1,
 * a missing tool 2, a compile error in the user's own Verilog 4, anything else is an internal
 * error (3) with the config hash and the stack.
 */
export async function runCommand(body: () => Promise<number | void>, hashOf?: () => string | undefined): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (e) {
    const { exitCode, text } = describeFailure(e, hashOf?.());
    process.stderr.write(text);
    process.exitCode = exitCode;
  }
}

/**
 * Loads and resolves a config, remembering its hash for internal-error reports. A unit whose RTL
 * the user supplied (an imported circuit) is checked against its golden model here, before any
 * command uses it (sim/external-check.ts; the verdict is cached).
 */
export class ConfigSession {
  config?: ResolvedConfig;
  async load(file: string): Promise<ResolvedConfig> {
    this.config = await loadConfig(file);
    if (unitFor(this.config.multiplier.kind).checkBeforeUse) {
      // Loaded only for such a unit: the simulation harness is not part of every command's start-up.
      const { checkBeforeUse } = await import('../../sim/external-check.js');
      await checkBeforeUse(this.config);
    }
    return this.config;
  }
  hash = (): string | undefined => this.config?.hash;
}
