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

function defaultSize(): number {
  const env = Number(process.env.AXGEN_JOBS);
  return Number.isInteger(env) && env > 0 ? env : Math.max(1, availableParallelism());
}

export const jobPool = new Pool(defaultSize());

/** Changes the pool size (the CLI's --jobs). */
export function setJobs(n: number): void {
  jobPool.size = Math.max(1, Math.floor(n));
}
