/**
 * Checks of the arguments that several commands share (--seed, --samples, --stall, --jobs,
 * --simulator, --target). Each returns the checked value or throws a ConfigError naming the
 * command and the option, with what was expected and what was received (exit 1, nothing written).
 */
import { randomInt } from 'node:crypto';
import { ConfigError, show } from '../infra/errors.js';
import { jobsFromEnv, MAX_JOBS, setJobs } from '../infra/pool.js';
import { isTarget, TARGETS, type Target } from '../estimate/targets.js';
import { SIMULATOR_TOOL, type SimulatorName } from '../../sim/simulators.js';

/** The error of one bad argument of command `cmd` (e.g. "axgen sim"). */
export function argError(cmd: string, path: string, expected: string, received: unknown): ConfigError {
  return new ConfigError(cmd, [{ path, expected, received: show(received) }]);
}

/**
 * --seed: an unsigned 32-bit integer. Without one, `dflt` (a fixed seed, or 'random' for a fresh one
 * that the command prints so the run can be replayed).
 */
export function checkSeed(seed: number | undefined, cmd: string, dflt: number | 'random'): number {
  if (seed === undefined) return dflt === 'random' ? randomInt(0, 2 ** 31) : dflt;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw argError(cmd, '--seed', 'an integer from 0 to 4294967295', seed);
  return seed;
}

/** --samples: random operand pairs, 1 to 10^8; `dflt` when not given. */
export function checkSamples(n: number | undefined, dflt: number, cmd: string): number {
  if (n === undefined) return dflt;
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000_000)
    throw argError(cmd, '--samples', 'an integer from 1 to 100000000', n);
  return n;
}

/** --stall: probability per cycle of an input gap and of a result stall, in [0, 1). */
export function checkStall(p: number, cmd: string): number {
  if (!Number.isFinite(p) || p < 0 || p >= 1)
    throw argError(cmd, '--stall', 'a probability from 0 (no stalls) up to, not including, 1', p);
  return p;
}

/**
 * --jobs: parallel tool runs, 1 to 256; sets the job pool's size when given. Without it the pool
 * takes AXGEN_JOBS (infra/pool.ts), which is checked here the same way, so a mistyped variable is
 * refused rather than silently replaced by the number of cores.
 */
export function checkJobs(n: number | undefined, cmd: string): void {
  if (n === undefined) {
    if (jobsFromEnv() === null)
      throw argError(
        cmd,
        'AXGEN_JOBS',
        `an integer from 1 to ${MAX_JOBS} (or unset, empty or blank)`,
        process.env.AXGEN_JOBS,
      );
    return;
  }
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS)
    throw argError(cmd, '--jobs', `an integer from 1 to ${MAX_JOBS}`, n);
  setJobs(n);
}

/** --simulator: "icarus", "verilator" or "both". */
export function simulatorsOf(arg: string, cmd: string): SimulatorName[] {
  if (arg === 'both') return Object.keys(SIMULATOR_TOOL) as SimulatorName[];
  if (arg === 'icarus' || arg === 'verilator') return [arg];
  throw argError(cmd, '--simulator', '"icarus", "verilator" or "both"', arg);
}

/** --target: one of the synthesis targets (estimate/targets.ts). */
export function checkTarget(t: string, cmd: string): Target {
  if (!isTarget(t)) throw argError(cmd, '--target', `one of ${TARGETS.map((x) => `"${x}"`).join(', ')}`, t);
  return t;
}
