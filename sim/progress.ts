/**
 * Progress of a regression: a redrawn bar on a terminal, one plain line per finished job otherwise
 * (CI logs, pipes), so a log never fills with carriage returns.
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
