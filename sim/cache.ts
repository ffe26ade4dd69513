/** Content-addressed build cache: a folder per sha256 of everything that determines the build. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT_DIR } from '../generator/emit/handlebars.js';

export function cacheRoot(): string {
  return resolve(process.env.AXGEN_CACHE ?? join(ROOT_DIR, '.axgen-cache'));
}

export function contentKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/**
 * Returns the cache folder for `key`, building it with `build(tmpDir)` when absent. The build
 * happens in a temporary folder renamed into place, so an interrupted build leaves no entry.
 */
const inFlight = new Map<string, Promise<{ dir: string; hit: boolean }>>();

export function cached(kind: string, key: string, build: (dir: string) => Promise<void>): Promise<{ dir: string; hit: boolean }> {
  const id = `${kind}/${key}`;
  let p = inFlight.get(id);
  if (!p) {
    p = buildOnce(kind, key, build).finally(() => inFlight.delete(id));
    inFlight.set(id, p);
  }
  return p;
}

/**
 * A build's temporary folder is `<kind>/.tmp-<key prefix>-<pid>@<host>-<random>`: the process and
 * machine that build it, so that a later process can tell a leftover of a killed run from a build
 * in flight (the cache may be shared by several processes and, for sweep shards, machines).
 */
const TMP_NAME = /^\.tmp-[0-9a-f]{12}-(\d+)@(.+)-[A-Za-z0-9]{6}$/;
const cleanedRoots = new Set<string>();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes, once per process and cache root, the temporary build folders that a process on this
 * machine left behind when it was killed (its pid no longer runs), and `.tmp-*` folders without a
 * pid (named before this scheme) older than a day; no build takes that long (a simulation stops
 * after 10 minutes). Folders of live processes and of other machines are left alone. Returns the
 * removed paths.
 */
export function removeStaleTemporaries(root: string = cacheRoot()): string[] {
  if (cleanedRoots.has(root)) return [];
  cleanedRoots.add(root);
  const removed: string[] = [];
  if (!existsSync(root)) return removed;
  const host = hostname();
  for (const kind of readdirSync(root, { withFileTypes: true })) {
    if (!kind.isDirectory()) continue;
    for (const name of readdirSync(join(root, kind.name))) {
      if (!name.startsWith('.tmp-')) continue;
      const path = join(root, kind.name, name);
      const m = TMP_NAME.exec(name);
      const stale = m ? m[2] === host && !processIsAlive(Number(m[1])) : Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000;
      if (!stale) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

async function buildOnce(kind: string, key: string, build: (dir: string) => Promise<void>): Promise<{ dir: string; hit: boolean }> {
  const dir = join(cacheRoot(), kind, key.slice(0, 24));
  if (existsSync(join(dir, '.complete'))) return { dir, hit: true };
  removeStaleTemporaries();
  await mkdir(join(cacheRoot(), kind), { recursive: true });
  const tmp = await mkdtemp(join(cacheRoot(), kind, `.tmp-${key.slice(0, 12)}-${process.pid}@${hostname()}-`));
  try {
    await build(tmp);
    await writeFile(join(tmp, '.complete'), key + '\n');
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
