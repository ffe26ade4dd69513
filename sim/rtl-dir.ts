/**
 * `axgen sim --rtl DIR`: an already generated folder, simulated as it is on disk (a hand edit or a
 * post-processing step is what gets simulated) against the model of the config in its manifest.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, show } from '../generator/infra/errors.js';
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import type { EmittedFile } from '../generator/emit/rtl.js';
import { rtlHash } from '../generator/infra/rtl-hash.js';
import { FROM_DISK } from './simulators.js';

export interface RtlFolder {
  config: ResolvedConfig;
  files: EmittedFile[];
  /** The manifest's RTL hash differs from the files on disk (they were edited). */
  edited: boolean;
}

export async function loadRtlFolder(dir: string): Promise<RtlFolder> {
  const src = `--rtl ${dir}`;
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    // Say what is there instead: nothing, a file, or a folder without axgen's manifest.
    const what = !existsSync(dir)
      ? `${show(dir)}, which does not exist`
      : !statSync(dir).isDirectory()
        ? `${show(dir)}, a file`
        : `${show(dir)}, a folder without manifest.json`;
    throw new ConfigError(src, [
      { path: '--rtl', expected: 'a folder written by `axgen generate` (with manifest.json)', received: what },
    ]);
  }
  let manifest: { config?: Record<string, unknown>; files?: unknown; rtlHash?: string };
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new ConfigError(src, [{ path: 'manifest.json', expected: 'valid JSON', received: (e as Error).message }]);
  }
  if (!manifest.config || typeof manifest.config !== 'object') {
    throw new ConfigError(src, [
      { path: 'manifest.json config', expected: 'the resolved config object', received: show(manifest.config) },
    ]);
  }
  if (!Array.isArray(manifest.files) || !manifest.files.every((f) => typeof f === 'string' && /^[\w.-]+\.v$/.test(f))) {
    throw new ConfigError(src, [
      { path: 'manifest.json files', expected: 'an array of Verilog file names', received: show(manifest.files) },
    ]);
  }
  // The manifest holds the resolved config plus its hash: resolving it again checks it and must
  // reproduce the same hash, or the manifest was edited by hand.
  const { hash, ...written } = manifest.config as { hash?: string };
  const config = resolveConfig(written, `${manifestPath} config`);
  if (hash !== undefined && hash !== config.hash) {
    throw new ConfigError(src, [
      {
        path: 'manifest.json config.hash',
        expected: `sha256:${config.hash.slice(0, 12)}…, the hash of the config that manifest.json now holds (the manifest was edited after generation: regenerate the folder with \`axgen generate … --force\`, which moves the edited folder aside)`,
        received:
          typeof hash === 'string'
            ? `sha256:${hash.slice(0, 12)}…, the hash recorded when the folder was generated`
            : show(hash),
      },
    ]);
  }
  const files: EmittedFile[] = [];
  for (const name of manifest.files as string[]) {
    const p = join(dir, name);
    if (!existsSync(p))
      throw new ConfigError(src, [
        {
          path: 'manifest.json files',
          expected: `${name}, which manifest.json lists, to exist in ${dir} (restore it, or regenerate the folder with \`axgen generate … --force\`, which moves the edited folder aside)`,
          received: 'no such file',
        },
      ]);
    files.push({ name, module: name.slice(0, -2), template: FROM_DISK, text: await readFile(p, 'utf8') });
  }
  return { config, files, edited: manifest.rtlHash !== undefined && rtlHash(files) !== manifest.rtlHash };
}
