/**
 * Progress on stderr: of a regression (a redrawn bar on a terminal, one plain line per finished job
 * otherwise: CI logs, pipes, so a log never fills with carriage returns), and of the slow steps of
 * one command (activity: synthesis, the golden model, simulator builds and runs).
 */
export interface Progress {
  start(total: number): void;
  tick(label: string, passed: boolean, done: number, total: number): void;
  stop(): void;
}

export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let failed = 0;
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(0);
  return {
    start(total) {
      if (tty) stream.write(`[${'░'.repeat(30)}] 0/${total}`);
      else stream.write(`regress: ${total} jobs\n`);
    },
    tick(label, passed, done, total) {
      if (!passed) failed++;
      if (tty) {
        const fill = Math.round((30 * done) / total);
        const width = stream.columns ?? 100;
        const line = `[${'█'.repeat(fill)}${'░'.repeat(30 - fill)}] ${done}/${total} ${failed ? `${failed} failed ` : ''}${secs()} s  ${label}`;
        stream.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      } else {
        stream.write(`[${done}/${total}] ${passed ? 'pass' : 'FAIL'} ${label} (${secs()} s)\n`);
      }
    },
    stop() {
      if (tty) stream.write('\n');
    },
  };
}

/** A Progress that prints nothing (`regress --no-progress`). */
export function silentProgress(): Progress {
  return { start: () => undefined, tick: () => undefined, stop: () => undefined };
}

/**
 * Whether a command shows progress: `--progress` forces it (plain lines when stderr is not a
 * terminal), `--no-progress` turns it off, and by default it shows on a terminal only.
 */
export function progressWanted(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): boolean {
  return flag ?? stream.isTTY === true;
}

/** The slow steps of one command (synthesis runs, the golden model, simulator builds and runs). */
export interface Activity {
  /** Starts a step; returns the function that ends it, with an optional note (e.g. "cached"). */
  start(label: string): (note?: string) => void;
  /** Ends the display (clears the status line on a terminal). */
  stop(): void;
}

/**
 * Progress of a command's slow steps on stderr. On a terminal: one status line naming the steps
 * under way and the seconds since the command started, redrawn every second, and a line per
 * finished step. Otherwise: a line when a step starts and one when it ends. A step that runs
 * synchronously in this process (the golden model) shows its line before it starts; the seconds
 * counter then waits until it ends. `enabled: false` gives an activity that prints nothing.
 */
export function activity(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Activity {
  if (!enabled) return { start: () => () => undefined, stop: () => undefined };
  const tty = stream.isTTY === true;
  const t0 = performance.now();
  const running = new Map<number, string>();
  let nextId = 0;
  let timer: NodeJS.Timeout | undefined;
  const secs = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
  const status = () => {
    if (!tty) return;
    const width = stream.columns ?? 100;
    const line = running.size ? `… ${[...running.values()].join('; ')}  (${secs(t0)} s)` : '';
    stream.write(`\r\x1b[K${line.slice(0, width - 1)}`);
  };
  return {
    start(label) {
      const id = nextId++;
      const t = performance.now();
      running.set(id, label);
      if (tty) {
        timer ??= setInterval(status, 1000).unref();
        status();
      } else {
        stream.write(`${label} …\n`);
      }
      return (note) => {
        if (!running.delete(id)) return;
        if (tty) stream.write('\r\x1b[K');
        stream.write(`  ${label}: ${note ? `${note}, ` : ''}${secs(t)} s\n`);
        status();
      };
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      running.clear();
      if (tty) stream.write('\r\x1b[K');
    },
  };
}

/** A bar for a long count (images, samples): `tick()` after each item, `stop()` at the end. */
export interface CountBar {
  tick(): void;
  stop(): void;
}

/**
 * Progress of `total` items on stderr: on a terminal a redrawn bar with the count, items/s and the
 * estimated time left (ETA: the remaining items at the mean rate so far), at most 5 redraws a
 * second; otherwise a line at every tenth of the way. `enabled: false` prints nothing.
 */
export function countBar(
  label: string,
  total: number,
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): CountBar {
  if (!enabled || total <= 0) return { tick: () => undefined, stop: () => undefined };
  const tty = stream.isTTY === true;
  const t0 = performance.now();
  let done = 0;
  let last = 0;
  let nextTenth = 1;
  const line = () => {
    const s = (performance.now() - t0) / 1000;
    const rate = s > 0 ? done / s : 0;
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const fill = Math.round((30 * done) / total);
    return `${label} [${'█'.repeat(fill)}${'░'.repeat(30 - fill)}] ${done}/${total} ${rate.toFixed(1)}/s ${Number.isFinite(eta) ? `ETA ${eta.toFixed(0)} s` : ''}`;
  };
  return {
    tick() {
      done++;
      if (tty) {
        const now = performance.now();
        if (now - last < 200 && done < total) return;
        last = now;
        stream.write(`\r\x1b[K${line().slice(0, (stream.columns ?? 100) - 1)}`);
      } else if (done * 10 >= nextTenth * total) {
        while (done * 10 >= nextTenth * total) nextTenth++;
        stream.write(`${line()}\n`);
      }
    },
    stop() {
      if (tty) stream.write('\n');
    },
  };
}
