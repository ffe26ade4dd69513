/**
 * Every external program axgen starts (simulators and their builds, Yosys, nextpnr, icepack, the
 * version probes, the shard processes of `axgen accuracy`) goes through runTool, which
 *  - starts it in its own process group (execa `detached: true`), so a Ctrl-C typed in the terminal
 *    reaches only axgen, and axgen decides: the sweep finishes its points in flight on the first
 *    Ctrl-C and stops on the second; every other command ends its tools and exits 130;
 *  - tracks it, and ends its whole group (the tool and whatever it started: make, the C++ compiler)
 *    with SIGTERM when axgen exits, whether normally, through process.exit, or on SIGTERM, SIGHUP or
 *    a SIGINT that no command handles itself.
 * runToolSync is the one exception, for the caller that cannot wait (config resolution compiling an
 * imported circuit's C model): it blocks, so the tool stays in axgen's process group and a Ctrl-C
 * reaches both; it has a time limit and reports a program that cannot be started.
 * What no process can handle: a SIGKILL of axgen. Its tools are in their own groups, so they then
 * run to the end of their current job (seconds for Yosys on one design, up to the 10-minute limit for
 * a simulation) and exit; kill axgen with SIGTERM or Ctrl-C to stop them at once.
 */
import { spawnSync } from 'node:child_process';

const live = new Set<number>();
let installed = false;

/** Sends SIGTERM to the process group of every running tool (synchronous: safe in an 'exit' handler). */
export function endChildren(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals, code: number): void {
  // A command that handles the signal itself (the sweep's Ctrl-C) decides what happens.
  if (signal === 'SIGINT' && process.listenerCount('SIGINT') > 1) return;
  endChildren();
  process.exit(code);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', endChildren);
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
  process.on('SIGINT', () => onSignal('SIGINT', 130));
}

export interface ToolRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds; the tool's group is then ended with SIGTERM and the result has `timedOut` set. */
  timeout?: number;
  /** Text written to the program's stdin (then closed). */
  input?: string;
  /** Called with each chunk of the program's stderr as it arrives (progress reports); `all` still has it. */
  onStderr?: (chunk: string) => void;
  /**
   * Called with each chunk of the tool's output (stdout and stderr) as it arrives: progress.
   * `stop()` ends the tool's group (SIGTERM) when the output shows it will not finish usefully
   * (nextpnr's router looping); the result then has `stopped` set.
   */
  onOutput?: (text: string, stop: () => void) => void;
}

/**
 * Runs `cmd args` to its end and returns its result without throwing on a non-zero exit (execa
 * with `reject: false`; `all` is stdout and stderr interleaved). A program that cannot be started
 * gives `failed` with no `exitCode`.
 */
export async function runTool(cmd: string, args: readonly string[], o: ToolRunOptions = {}) {
  const { execa } = await import('execa');
  install();
  const { onStderr, onOutput, timeout, ...execaOptions } = o;
  const sub = execa(cmd, args, { ...execaOptions, reject: false, all: true, detached: true });
  if (onStderr) sub.stderr?.on('data', (b: Buffer | string) => onStderr(b.toString()));
  const pid = sub.pid;
  if (pid !== undefined) live.add(pid);
  // The limit and stop() end the tool's whole group (execa's own would reach only the tool itself).
  let timedOut = false;
  let stopped = false;
  const stop = () => {
    if (stopped || pid === undefined) return;
    stopped = true;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  if (onOutput) sub.all?.on('data', (chunk: Buffer) => onOutput(chunk.toString(), stop));
  const timer =
    timeout !== undefined && pid !== undefined
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-pid, 'SIGTERM');
          } catch {
            // Already gone.
          }
        }, timeout)
      : undefined;
  try {
    const r = await sub;
    return { ...r, timedOut: timedOut || r.timedOut, stopped };
  } finally {
    if (timer) clearTimeout(timer);
    if (pid !== undefined) live.delete(pid);
  }
}

/** What runToolSync returns: the exit, the output, and why a program did not run or finish. */
export interface SyncToolResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stderr then stdout. */
  all: string;
  /** The program could not be started (not found, not executable): the error code, e.g. ENOENT. */
  notStarted: string | null;
  /** The time limit ended it (SIGKILL). */
  timedOut: boolean;
}

/**
 * Runs `cmd args` to its end, blocking (see the header: for synchronous callers only), with a time
 * limit in milliseconds after which the program is killed.
 */
export function runToolSync(
  cmd: string,
  args: readonly string[],
  o: { timeout: number; cwd?: string },
): SyncToolResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: o.timeout, killSignal: 'SIGKILL', cwd: o.cwd });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code ?? null;
  return {
    exitCode: r.status,
    signal: r.signal,
    all: `${r.stderr ?? ''}${r.stdout ?? ''}`,
    notStarted: code !== null && code !== 'ETIMEDOUT' ? code : null,
    timedOut: code === 'ETIMEDOUT',
  };
}
