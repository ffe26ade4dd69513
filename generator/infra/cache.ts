/** Content-addressed build cache: a folder per sha256 of everything that determines the build. */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { lstat, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ROOT_DIR } from '../root.js';
import { ConfigError, fsReason, show } from './errors.js';
import { cleanStaleTemps, finishTemp, makeFolders, makeTemp } from './write.js';

/** The cache folder when AXGEN_CACHE is unset, empty or blank: in the checkout axgen runs from, not the current folder. */
export const DEFAULT_CACHE = join(ROOT_DIR, '.axgen-cache');

/**
 * The cache folder: AXGEN_CACHE (relative to the current folder), or DEFAULT_CACHE when it is unset,
 * empty or blank (shells and CI files often export a variable with no value; that is not the
 * current folder). Not checked: usableCacheRoot is what a command uses.
 */
export function cacheRoot(): string {
  const env = process.env.AXGEN_CACHE;
  return resolve(env === undefined || env.trim() === '' ? DEFAULT_CACHE : env);
}

/** The option that named the cache folder for this run (`sweep --cache`), for messages. */
let cacheOption: { option: string; value: string } | undefined;

/**
 * A command option naming the cache folder (`axgen sweep --cache DIR`): sets AXGEN_CACHE for the
 * run, and messages about the folder name the option. Undefined (the option not given): AXGEN_CACHE
 * as it is, named as itself.
 */
export function setCacheFolder(dir: string | undefined, option: string): void {
  if (dir === undefined) {
    cacheOption = undefined;
    return;
  }
  process.env.AXGEN_CACHE = dir;
  cacheOption = { option, value: dir };
}

/** Cache folders found usable in this process. */
const usable = new Set<string>();

/**
 * The cache folder, checked once per process (and folder) when a command first needs it: created
 * when absent, one level at a time as makeFolders does, and a file created and removed in it. A
 * folder that cannot be used is the user's mistake, named as such before any build, with nothing
 * left behind (folders this check created are removed again).
 * @throws ConfigError (exit 1) naming `--cache` or AXGEN_CACHE, the folder, and why it cannot be used
 */
export function usableCacheRoot(): string {
  const root = cacheRoot();
  if (usable.has(root)) return root;
  const env = process.env.AXGEN_CACHE;
  const unset = env === undefined || env.trim() === '';
  const option = !unset && cacheOption?.value === env ? cacheOption.option : 'AXGEN_CACHE';
  const refuse = (why: string): never => {
    throw new ConfigError(option, [
      {
        path: option,
        expected: `a folder for the build cache that axgen can create, or one it can write in (${
          option === 'AXGEN_CACHE' ? 'unset' : `without ${option}: AXGEN_CACHE, or when that is unset`
        }: ${show(DEFAULT_CACHE)}, in the checkout axgen runs from)`,
        received: `${unset ? `unset, so ${show(root)}` : show(root)}, which ${why}`,
      },
    ]);
  };
  // The nearest folder that exists: the path itself, or one above it.
  const missing: string[] = [];
  for (let d = root; ;) {
    let st: Stats;
    try {
      st = statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse(`cannot be reached: ${fsReason(e)} at ${show(d)}`);
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!st.isDirectory()) refuse(d === root ? 'is a file, not a folder' : `lies inside ${show(d)}, which is a file`);
    break;
  }
  const made: string[] = [];
  try {
    for (const m of missing.reverse()) {
      try {
        mkdirSync(m);
        made.push(m);
      } catch (e) {
        // Another process may have made it meanwhile: only an existing folder is fine.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(m, { throwIfNoEntry: false })?.isDirectory())
          refuse(`cannot be created: creating ${show(m)} fails: ${fsReason(e)}`);
      }
    }
    const probe = join(root, `.axgen-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      closeSync(openSync(probe, 'wx'));
    } catch (e) {
      refuse(`cannot be written: creating a file in it fails: ${fsReason(e)}`);
    }
    rmSync(probe, { force: true });
  } catch (e) {
    for (const m of made.reverse()) {
      try {
        rmdirSync(m);
      } catch {
        // not empty any more: another process uses it
      }
    }
    throw e;
  }
  usable.add(root);
  return root;
}

export function contentKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The complete cache folder for `key` when there is one (nothing is built), else null. */
export function cachedEntry(kind: string, key: string): string | null {
  const dir = join(cacheRoot(), kind, key.slice(0, 24));
  return existsSync(join(dir, '.complete')) ? dir : null;
}

/**
 * Returns the cache folder for `key`, building it with `build(tmpDir)` when absent. The build
 * happens in a temporary folder renamed into place, so an interrupted build leaves no entry.
 */
const inFlight = new Map<string, Promise<{ dir: string; hit: boolean }>>();

export function cached(
  kind: string,
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  const id = `${kind}/${key}`;
  let p = inFlight.get(id);
  if (!p) {
    p = buildOnce(kind, key, build).finally(() => inFlight.delete(id));
    inFlight.set(id, p);
  }
  return p;
}

async function buildOnce(
  kind: string,
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  const root = usableCacheRoot();
  const dir = join(root, kind, key.slice(0, 24));
  if (existsSync(join(dir, '.complete'))) return { dir, hit: true };
  const parent = join(root, kind);
  // AXGEN_CACHE is the user's path: makeFolders, as for output folders (recursive mkdir hangs under /proc)
  await makeFolders(parent);
  await cleanOnce(parent);
  const tmp = await makeTemp(parent, '.tmp-');
  try {
    await build(tmp);
    await finishTemp(tmp);
    await writeFile(join(tmp, '.complete'), key + '\n');
    // Another process finished the same key meanwhile: use its entry (another reader may be in it);
    // only an incomplete leftover is removed.
    if (existsSync(join(dir, '.complete'))) {
      await rm(tmp, { recursive: true, force: true });
      return { dir, hit: true };
    }
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process finished the same build first: keep its entry.
      if (!existsSync(join(dir, '.complete'))) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, hit: false };
}

const cleaned = new Set<string>();
/** Temporaries of earlier axgen versions (`.tmp-<key12>-<mkdtemp suffix>`): removed once a day old. */
const LEGACY_TEMP = /^\.tmp-[0-9a-f]{12}-[A-Za-z0-9]{6}$/;
const LEGACY_STALE_MS = 24 * 3600_000;

/**
 * Once per process and cache folder: removes the temporaries a killed run left there (cleanStaleTemps:
 * their process is gone), and those of earlier axgen versions once they are a day old.
 */
async function cleanOnce(parent: string): Promise<void> {
  if (cleaned.has(parent)) return;
  cleaned.add(parent);
  await cleanStaleTemps(parent, '.tmp-');
  for (const n of await readdir(parent)) {
    if (!LEGACY_TEMP.test(n)) continue;
    const p = join(parent, n);
    try {
      const st = await lstat(p);
      if (st.isDirectory() && Date.now() - st.mtimeMs > LEGACY_STALE_MS) await rm(p, { recursive: true, force: true });
    } catch {
      // removed meanwhile by another run
    }
  }
}

const sourceHashes = new Map<string, string>();

/**
 * sha256 over the TypeScript sources under the given folders (relative to the repository root),
 * computed once per process. Cache keys of results that depend on golden-model code (metrics,
 * expected values) include it, so editing a unit's model invalidates them.
 */
export function sourceHash(dirs: readonly string[]): string {
  const id = dirs.join('|');
  let h = sourceHashes.get(id);
  if (!h) {
    const parts: string[] = [];
    for (const d of dirs) {
      const abs = join(ROOT_DIR, d);
      for (const f of readdirSync(abs, { recursive: true }) as string[]) {
        if (f.endsWith('.ts')) parts.push(f, readFileSync(join(abs, f), 'utf8'));
      }
    }
    h = contentKey(parts);
    sourceHashes.set(id, h);
  }
  return h;
}
