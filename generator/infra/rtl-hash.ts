/** The content hash of a generated folder's RTL, recorded as manifest.json's `rtlHash`. */
import { createHash } from 'node:crypto';

/**
 * sha256 (hex) over the files in order, each as its name, a NUL, its text and a NUL: what
 * `axgen generate` records in manifest.json (`rtlHash`), so that `sim --rtl` and a later `--out`
 * can tell whether the files were edited since.
 */
export function rtlHash(files: readonly { name: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.name).update('\0').update(f.text).update('\0');
  return h.digest('hex');
}
