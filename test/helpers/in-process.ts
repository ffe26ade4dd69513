/**
 * Runs an axgen command in this process, through the CLI's own command modules (the same handlers
 * and exit codes as the binary), with `cwd` as the current folder: a refusal costs milliseconds
 * instead of a Node start. Runs are queued one at a time: the current folder, the output spies,
 * AXGEN_CACHE and the exit code are process-wide.
 */
import { vi } from 'vitest';
import yargs from 'yargs';
import { COMMANDS } from '../../generator/commands/index.js';

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

const commands = await Promise.all(COMMANDS.map((e) => e.load()));
let queue: Promise<unknown> = Promise.resolve();

/**
 * `args` as `axgen` would run them in `cwd`. `opts.cache`: AXGEN_CACHE for this run (restored
 * after); without it the variable is left as the test set it.
 */
export function inProcess(args: string[], cwd: string, opts: { cache?: string } = {}): Promise<InProcessRun> {
  const run = queue.then(() => runNow(args, cwd, opts.cache));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], cwd: string, cacheDir: string | undefined): Promise<InProcessRun> {
  const before = process.cwd();
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((d) => ((stdout += String(d)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((d) => ((stderr += String(d)), true));
  process.exitCode = undefined;
  const cache = process.env.AXGEN_CACHE;
  if (cacheDir !== undefined) process.env.AXGEN_CACHE = cacheDir;
  try {
    process.chdir(cwd);
    await yargs(args)
      .command(commands)
      .strict()
      .exitProcess(false)
      .fail((msg, e) => {
        throw e ?? new Error(msg);
      })
      .parseAsync();
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.chdir(before);
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    if (cacheDir !== undefined) {
      if (cache === undefined) delete process.env.AXGEN_CACHE;
      else process.env.AXGEN_CACHE = cache;
    }
  }
}
