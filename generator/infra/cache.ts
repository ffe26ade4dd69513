/** Content-addressed build cache: a folder per sha256 of everything that determines the build. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { lstat, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ROOT_DIR } from '../root.js';
import { cleanStaleTemps, finishTemp, makeFolders, makeTemp } from './write.js';

export function cacheRoot(): string {
  return resolve(process.env.AXGEN_CACHE ?? join(ROOT_DIR, '.axgen-cache'));
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
  const dir = join(cacheRoot(), kind, key.slice(0, 24));
  if (existsSync(join(dir, '.complete'))) return { dir, hit: true };
  const parent = join(cacheRoot(), kind);
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
