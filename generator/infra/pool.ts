/**
 * One job pool for the whole process: simulator builds, simulator runs and synthesis jobs all take
 * a slot, so parallel tests and sweeps do not oversubscribe the cores. Size: AXGEN_JOBS, or the
 * number of cores.
 */
import { availableParallelism } from 'node:os';

class Pool {
  private running = 0;
  private waiting: (() => void)[] = [];
  constructor(public size: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** Most parallel jobs `--jobs` and AXGEN_JOBS may ask for. */
export const MAX_JOBS = 256;

/**
 * AXGEN_JOBS as a pool size: an integer from 1 to MAX_JOBS; undefined when unset, and when empty
 * or blank (`AXGEN_JOBS=`: shells and CI files often export a variable with no value), so the pool
 * takes the number of cores; null when set to anything else (the CLI refuses that,
 * commands/checks.ts checkJobs; the pool itself then takes the number of cores).
 */
export function jobsFromEnv(env: string | undefined = process.env.AXGEN_JOBS): number | null | undefined {
  if (env === undefined || env.trim() === '') return undefined;
  const n = Number(env);
  return /^\s*\d+\s*$/.test(env) && n >= 1 && n <= MAX_JOBS ? n : null;
}

function defaultSize(): number {
  return jobsFromEnv() ?? Math.max(1, availableParallelism());
}

export const jobPool = new Pool(defaultSize());

/** Changes the pool size (the CLI's --jobs). */
export function setJobs(n: number): void {
  jobPool.size = Math.max(1, Math.floor(n));
}
