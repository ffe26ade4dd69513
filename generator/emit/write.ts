/**
 * Writes an output folder atomically: everything goes into a temporary sibling folder that is
 * renamed into place only when complete, so a failure never leaves a half-written folder.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface OutFile {
  name: string;
  text: string;
}

/** Replaces `dir` with a folder holding exactly `files`. */
export async function writeFolderAtomically(dir: string, files: OutFile[]): Promise<void> {
  await replaceFolderAtomically(dir, async (tmp) => {
    for (const f of files) {
      if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) throw new Error(`internal error: unsafe output file name ${f.name}`);
      await writeFile(join(tmp, f.name), f.text);
    }
  });
}

/**
 * Replaces `dir` with the folder `fill` writes into a temporary sibling; on any failure of `fill`
 * the temporary folder is removed and `dir` is left as it was. Returns what `fill` returns.
 */
export async function replaceFolderAtomically<T>(dir: string, fill: (tmp: string) => Promise<T>): Promise<T> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    const result = await fill(tmp);
    if (existsSync(target)) {
      const old = `${tmp}-old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
