/** Reads a written config from a `.ts` (default export) or `.json` file. */
import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigProblem } from '../infra/errors.js';
import { ROOT_DIR } from '../root.js';
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
    throw new ConfigError(file, [
      { path: '(file)', expected: 'an existing .ts or .json config file', received: JSON.stringify(file) },
    ]);
  }
  if (statSync(path).isDirectory()) {
    throw new ConfigError(file, [
      { path: '(file)', expected: 'a .ts or .json config file', received: `a folder (${JSON.stringify(file)})` },
    ]);
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
    let mod: { default?: unknown };
    try {
      mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
    } catch (e) {
      throw new ConfigError(file, [importProblem(e, path)]);
    }
    // tsx may wrap a CommonJS-style default in another default.
    let value = mod.default;
    if (isObject(value) && (value as { __esModule?: unknown }).__esModule === true)
      value = (value as { default?: unknown }).default;
    else if (isObject(value) && 'default' in value && !('name' in value))
      value = (value as { default: unknown }).default;
    // A file with no import or export at all (an empty file) is loaded as CommonJS: its "default"
    // is the empty module.exports object, not something the file exported.
    if (
      isObject(value) &&
      Object.keys(value).length === 0 &&
      !/\bexport\b|\bmodule\.exports\b/.test(await readFile(path, 'utf8'))
    )
      value = undefined;
    if (value === undefined) {
      throw new ConfigError(file, [
        {
          path: '(file)',
          expected: 'a default export, e.g. `export default defineAccelerator({...})`',
          received: 'no default export',
        },
      ]);
    }
    return value;
  }
  throw new ConfigError(file, [
    { path: '(file)', expected: 'a file ending in .ts or .json', received: JSON.stringify(ext || file) },
  ]);
}

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';

/**
 * A config module that did not load (a syntax error, a missing import, an exception thrown by its
 * code) is the user's input at fault: its message, without tsx's stack of data: URLs.
 */
function importProblem(e: unknown, path: string): ConfigProblem {
  const err = e as { name?: string; message?: string };
  let msg = String(err?.message ?? e).trim();
  // "Cannot find module './x.js'\nRequire stack:\n- /abs/file.ts?namespace=…": keep the first line.
  if (/^Cannot find module/.test(msg)) msg = msg.split('\n')[0]!;
  msg = msg.replace(/^Transform failed with \d+ errors?:\n/, '').replace(/\?namespace=[\w-]+/g, '');
  const kind = err?.name === 'TransformError' ? 'it does not compile' : 'importing it threw';
  // A copy of an example outside the checkout keeps its relative '../generator/dsl.js' import.
  const dsl = /^Cannot find module '[^']*generator\/dsl(\.js)?'/.test(msg)
    ? `; import the DSL by its absolute path, '${join(ROOT_DIR, 'generator', 'dsl.js')}', or write the config as JSON`
    : '';
  return {
    path: '(file)',
    expected: `a module that loads and default-exports a config (${kind}: fix ${path}${dsl})`,
    received: `${err?.name && err.name !== 'TransformError' && !msg.startsWith(err.name) ? `${err.name}: ` : ''}${msg.split('\n').slice(0, 6).join(' | ')}`,
  };
}

export async function loadConfig(file: string): Promise<ResolvedConfig> {
  return resolveConfig(await loadWritten(file), file, { baseDir: dirname(resolvePath(file)) });
}
