/** Reads a written config from a `.ts` (default export) or `.json` file. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve as resolvePath, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './errors.js';
import { resolveConfig, type ResolvedConfig } from './resolve.js';

/**
 * tsx's tsImport (a fresh import of a script config or sweep file through the TypeScript loader),
 * with tsx itself loaded on the first script file rather than at start-up: a JSON config and the
 * compiled CLI's other commands never pay for it (about 0.2 s).
 */
async function tsImport(url: string, parentURL: string): Promise<unknown> {
  const tsx = await import('tsx/esm/api');
  return tsx.tsImport(url, parentURL);
}

/** The plain object a config file describes, before validation. */
export async function loadWritten(file: string): Promise<unknown> {
  const path = resolvePath(file);
  if (!existsSync(path)) {
    throw new ConfigError(file, [{ path: '(file)', expected: 'an existing .ts or .json config file', received: JSON.stringify(file) }]);
  }
  const ext = extname(path);
  if (ext === '.json') {
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ConfigError(file, [{ path: '(file)', expected: 'valid JSON', received: (e as Error).message }]);
    }
  }
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') {
    const mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
    // tsx may wrap a CommonJS-style default in another default.
    let value = mod.default;
    if (value !== null && typeof value === 'object' && 'default' in value && !('name' in value)) value = (value as { default: unknown }).default;
    if (value === undefined) {
      throw new ConfigError(file, [{ path: '(file)', expected: 'a default export, e.g. `export default defineAccelerator({...})`', received: 'no default export' }]);
    }
    return value;
  }
  throw new ConfigError(file, [{ path: '(file)', expected: 'a file ending in .ts or .json', received: JSON.stringify(ext || file) }]);
}

export async function loadConfig(file: string): Promise<ResolvedConfig> {
  return resolveConfig(await loadWritten(file), file);
}
