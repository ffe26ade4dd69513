/** Content-addressed build cache: a folder per sha256 of everything that determines the build. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
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

async function buildOnce(kind: string, key: string, build: (dir: string) => Promise<void>): Promise<{ dir: string; hit: boolean }> {
  const dir = join(cacheRoot(), kind, key.slice(0, 24));
  if (existsSync(join(dir, '.complete'))) return { dir, hit: true };
  await mkdir(join(cacheRoot(), kind), { recursive: true });
  const tmp = await mkdtemp(join(cacheRoot(), kind, `.tmp-${key.slice(0, 12)}-`));
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
