/**
 * The build cache folder (AXGEN_CACHE, `axgen sweep --cache`) is a path the user gives: one axgen
 * cannot use (a file, a folder under a file, one that cannot be created) is refused with exit 1
 * naming the variable or option, the path and why, before any work and with nothing written, not
 * an ENOTDIR stack trace (exit 3) from the first build, nor a sweep whose every point failed (exit 5)
 * with its results written anyway. In-process, but for one run of the binary (the reported case).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, DEFAULT_CACHE, usableCacheRoot } from '../../generator/infra/cache.js';
import { ConfigError } from '../../generator/infra/errors.js';
import { describeFailure, EXIT_USER } from '../../generator/commands/common.js';
import { ROOT, runAxgen } from '../helpers/cli.js';
import { inProcess } from '../helpers/in-process.js';

const GOOD = join(ROOT, 'examples/edge-int8.json');
const SWEEP = join(ROOT, 'examples/sweep-8bit.json');

let dir: string;
let saved: string | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'axgen-cache-folder-'));
  writeFileSync(join(dir, 'regular-file.txt'), 'mine\n');
  saved = process.env.AXGEN_CACHE;
});
afterEach(() => {
  if (saved === undefined) delete process.env.AXGEN_CACHE;
  else process.env.AXGEN_CACHE = saved;
  process.exitCode = undefined;
});
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
afterEach(() => made.push(dir));

/** Every path under `d` with its contents (files) or `/` (folders), for before/after comparison. */
function tree(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(d, { recursive: true }) as string[]) {
    const p = join(d, rel);
    out[rel] = lstatSync(p).isDirectory() ? '/' : readFileSync(p, 'utf8');
  }
  return out;
}

describe('usableCacheRoot', () => {
  it('a file, a folder under a file, a folder that cannot be created: exit 1 naming AXGEN_CACHE, the path and why; nothing written', () => {
    const file = join(dir, 'regular-file.txt');
    // A file further up than the nearest existing folder: no folder is made on the way to it.
    mkdirSync(join(dir, 'new'));
    writeFileSync(join(dir, 'new', 'x'), 'a file\n');
    const cases: [string, RegExp][] = [
      [file, /received ".*regular-file\.txt", which is a file, not a folder$/],
      [
        join(file, 'sub'),
        /received ".*regular-file\.txt\/sub", which lies inside ".*regular-file\.txt", which is a file$/,
      ],
      [join(dir, 'new', 'x', 'y', 'z'), /received ".*new\/x\/y\/z", which lies inside ".*new\/x", which is a file$/],
      [
        '/proc/axgen-no-such-cache',
        /received "\/proc\/axgen-no-such-cache", which cannot be created: .*no such file or folder \(ENOENT\)$/,
      ],
    ];
    const before = tree(dir);
    for (const [path, why] of cases) {
      process.env.AXGEN_CACHE = path;
      let e: unknown;
      try {
        usableCacheRoot();
      } catch (x) {
        e = x;
      }
      expect(e, path).toBeInstanceOf(ConfigError);
      const { exitCode, text } = describeFailure(e, undefined);
      expect(exitCode, path).toBe(EXIT_USER);
      const lines = text.trimEnd().split('\n');
      expect(lines[0], path).toBe('AXGEN_CACHE: 1 problem');
      expect(lines[1], path).toMatch(/^✖ AXGEN_CACHE: expected a folder for the build cache that axgen can create/);
      expect(lines[1], path).toContain(`(unset: ${JSON.stringify(DEFAULT_CACHE)}, in the checkout axgen runs from)`);
      expect(lines[1], path).toMatch(why);
      expect(lines[2], path).toBe('Nothing was written.');
    }
    expect(tree(dir)).toEqual(before);
  });

  it('an absent folder is created (its parents too) and used; empty or blank AXGEN_CACHE is the default, not the current folder', () => {
    process.env.AXGEN_CACHE = join(dir, 'a', 'b', 'cache');
    expect(usableCacheRoot()).toBe(join(dir, 'a', 'b', 'cache'));
    expect(readdirSync(join(dir, 'a', 'b', 'cache'))).toEqual([]); // the write probe is gone
    for (const empty of ['', ' ', '\t']) {
      process.env.AXGEN_CACHE = empty;
      expect(cacheRoot(), JSON.stringify(empty)).toBe(DEFAULT_CACHE);
    }
    delete process.env.AXGEN_CACHE;
    expect(cacheRoot()).toBe(join(ROOT, '.axgen-cache'));
  });
});

describe('commands with a cache folder they cannot use', () => {
  it('sim and synth: exit 1 naming AXGEN_CACHE before any work, no stack, no report written', async () => {
    const before = tree(dir);
    for (const [cache, args] of [
      [join(dir, 'regular-file.txt'), ['sim', GOOD, '--simulator', 'icarus', '--gemm', '2x2x2', '--json', 'r.json']],
      [join(dir, 'regular-file.txt'), ['synth', GOOD, '--json', 's.json']],
      ['/proc/axgen-no-such-cache', ['synth', GOOD, '--json', 's.json']],
    ] as const) {
      process.env.AXGEN_CACHE = cache;
      const r = await inProcess([...args], dir);
      expect(r.code, args[0]).toBe(EXIT_USER);
      expect(r.stderr, args[0]).toMatch(
        /^AXGEN_CACHE: 1 problem\n✖ AXGEN_CACHE: expected a folder for the build cache/,
      );
      expect(r.stderr, args[0]).toContain(`received ${JSON.stringify(cache)}, which `);
      expect(r.stderr, args[0]).not.toMatch(/\n\s+at /);
      expect(r.stderr.trimEnd().endsWith('Nothing was written.'), args[0]).toBe(true);
      expect(tree(dir), args[0]).toEqual(before);
    }
  });

  it('sweep --cache: exit 1 naming --cache before any point runs, no results folder; --cache "" is refused too', async () => {
    const before = tree(dir);
    const file = join(dir, 'regular-file.txt');
    const r = await inProcess(['sweep', SWEEP, '--cache', file, '--out', 'swc', '--no-progress'], dir);
    expect(r.code).toBe(EXIT_USER);
    expect(r.stderr).toMatch(
      /^--cache: 1 problem\n✖ --cache: expected a folder for the build cache .*\(without --cache: AXGEN_CACHE/,
    );
    expect(r.stderr).toContain(`received ${JSON.stringify(file)}, which is a file, not a folder`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'swc'))).toBe(false);
    expect(tree(dir)).toEqual(before);

    // AXGEN_CACHE alone is checked the same way, and named.
    process.env.AXGEN_CACHE = file;
    const env = await inProcess(['sweep', SWEEP, '--out', 'swc', '--no-progress'], dir);
    expect(env.code).toBe(EXIT_USER);
    expect(env.stderr).toMatch(/^AXGEN_CACHE: 1 problem\n/);
    expect(tree(dir)).toEqual(before);

    const empty = await inProcess(['sweep', SWEEP, '--cache', '', '--out', 'swc', '--no-progress'], dir);
    expect(empty.code).toBe(EXIT_USER);
    expect(empty.stderr).toContain('✖ --cache: expected a path (omit --cache for the default), received ""');
    expect(tree(dir)).toEqual(before);
  });

  it('the binary, as the new user ran it: AXGEN_CACHE=<a file> axgen sim … exits 1 with one message, no stack', async () => {
    const before = tree(dir);
    const file = join(dir, 'regular-file.txt');
    const r = await runAxgen(['sim', GOOD, '--simulator', 'icarus', '--gemm', '2x2x2', '--json', 'r.json'], {
      cwd: dir,
      env: { AXGEN_CACHE: file },
    });
    expect(r.exitCode).toBe(EXIT_USER);
    expect(r.stderr).toBe(
      `AXGEN_CACHE: 1 problem\n✖ AXGEN_CACHE: expected a folder for the build cache that axgen can create, or one it can write in ` +
        `(unset: ${JSON.stringify(DEFAULT_CACHE)}, in the checkout axgen runs from), received ${JSON.stringify(file)}, ` +
        `which is a file, not a folder\nNothing was written.`,
    );
    expect(tree(dir)).toEqual(before);
  });
});
