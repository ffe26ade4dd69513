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
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const f of files) {
      if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) throw new Error(`internal error: unsafe output file name ${f.name}`);
      await writeFile(join(tmp, f.name), f.text);
    }
    if (existsSync(target)) {
      const old = `${tmp}-old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
