/**
 * Progress of slow steps (generator/infra/progress.ts activity): plain start/end lines when stderr is not a
 * terminal, a redrawn status line on one, nothing when disabled; and `axgen synth` showing each
 * Yosys run with --progress and nothing by default when stderr is a pipe.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../generator/root.js';
import { activity, progressWanted } from '../../generator/infra/progress.js';

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY,
    columns: 200,
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('progress of slow steps', () => {
  it('prints a start and an end line per step when not on a terminal, nothing when disabled', () => {
    const s = fakeStream(false);
    const a = activity(true, s);
    const endA = a.start('Yosys: the PE');
    const endB = a.start('Yosys: the rest');
    endB('cached');
    endA();
    endA();
    a.stop();
    const lines = s.text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Yosys: the PE …');
    expect(lines[1]).toBe('Yosys: the rest …');
    expect(lines[2]).toMatch(/^ {2}Yosys: the rest: cached, \d+\.\d s$/);
    expect(lines[3]).toMatch(/^ {2}Yosys: the PE: \d+\.\d s$/);
    expect(s.text).not.toContain('\r');
    const off = fakeStream(true);
    const quiet = activity(false, off);
    quiet.start('x')();
    quiet.stop();
    expect(off.text).toBe('');
  });

  it('redraws one status line on a terminal and leaves a line per finished step', () => {
    const s = fakeStream(true);
    const a = activity(true, s);
    const end = a.start('golden model');
    // eslint-disable-next-line no-control-regex -- the ANSI erase-line escape is what is checked
    expect(s.text).toMatch(/\r\x1b\[K… golden model {2}\(\d+\.\d s\)$/);
    end('done');
    a.stop();
    // eslint-disable-next-line no-control-regex -- the ANSI erase-line escape is what is checked
    expect(s.text).toMatch(/\r\x1b\[K {2}golden model: done, \d+\.\d s\n/);
    expect(s.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('is on for --progress, off for --no-progress, and follows the terminal by default', () => {
    expect(progressWanted(true, fakeStream(false))).toBe(true);
    expect(progressWanted(false, fakeStream(true))).toBe(false);
    expect(progressWanted(undefined, fakeStream(true))).toBe(true);
    expect(progressWanted(undefined, fakeStream(false))).toBe(false);
  });

  it('axgen synth shows each Yosys run with --progress and prints nothing on stderr by default when it is a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axgen-progress-'));
    made.push(dir);
    const cfg = join(dir, 'p.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        name: 'p',
        array: { rows: 1, cols: 2, maxK: 16, accDepth: 2 },
        precision: { activation: { bits: 3, signed: false }, weight: { bits: 3, signed: false } },
        multiplier: { kind: 'exact' },
      }),
    );
    const env = { AXGEN_CACHE: join(dir, 'cache') };
    const axgen = (...args: string[]) =>
      execa(process.execPath, [join(ROOT_DIR, 'bin/axgen.js'), 'synth', cfg, '--target', 'generic', ...args], {
        env,
        reject: false,
      });
    const shown = await axgen('--progress');
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/^Yosys: the PE \S+ \(gates\) …$/m);
    expect(shown.stderr).toMatch(/^ {2}Yosys: the array around the PE \(gates\): done, \d+\.\d s$/m);
    const quiet = await axgen();
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(shown.stdout);
    const cached = await axgen('--progress');
    expect(cached.stderr).toMatch(/: cached, \d+\.\d s$/m);
  });

  it('axgen sim shows the golden model and each simulator with --progress, and nothing with --no-progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axgen-progress-sim-'));
    made.push(dir);
    const sim = (...args: string[]) =>
      execa(
        process.execPath,
        [
          join(ROOT_DIR, 'bin/axgen.js'),
          'sim',
          join(ROOT_DIR, 'examples/edge-int8.json'),
          '--simulator',
          'icarus',
          '--gemm',
          '9x9x9',
          '--seed',
          '2',
          ...args,
        ],
        {
          env: { AXGEN_CACHE: join(dir, 'cache') },
          reject: false,
        },
      );
    const shown = await sim('--progress');
    expect(shown.exitCode, shown.stderr).toBe(0);
    const lines = shown.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('golden model: expected results of the 9x9x9 GEMM and the directed tiles …');
    expect(lines[1]).toMatch(
      /^ {2}golden model: expected results of the 9x9x9 GEMM and the directed tiles: \d+\.\d s$/,
    );
    expect(lines[2]).toBe('icarus: build and simulate …');
    expect(lines[3]).toMatch(/^ {2}icarus: build and simulate: pass, build \S+( s)?, \d+\.\d s$/);
    const quiet = await sim('--no-progress');
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
