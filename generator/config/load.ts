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

/** A key given twice in one JSON object: the object's path (`multiplier`, `axes[1]`; '' for the top), the key, and the offsets of both. */
export interface DuplicateKey {
  path: string;
  key: string;
  first: number;
  again: number;
}

/**
 * A recursive-descent scan of `text` as JSON (RFC 8259): the offset of the first character at which
 * it stops being JSON, or the text's length when it ends too early (`end`, which equals the length
 * for valid JSON), and every key given twice in one object (`duplicates`), which JSON.parse accepts
 * silently, keeping the last. Used for the position Node 20 leaves out of some messages
 * (`Unexpected token 'u', "…" is not valid JSON`) and to refuse duplicate keys in a config.
 */
export function scanJson(text: string): { end: number; duplicates: DuplicateKey[] } {
  let i = 0;
  const duplicates: DuplicateKey[] = [];
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (w: string) => {
    for (const ch of w) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail();
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (path: string): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      const seen = new Map<string, number>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const at = i;
        string();
        const key = JSON.parse(text.slice(at, i)) as string;
        const first = seen.get(key);
        if (first !== undefined) duplicates.push({ path, key, first, again: at });
        else seen.set(key, at);
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(path === '' ? key : `${path}.${key}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value('');
    ws();
    if (i < text.length) fail();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { end: Math.min(i, text.length), duplicates };
}

/** The offset at which `text` stops being JSON (scanJson), for messages that give none. */
export function jsonErrorOffset(text: string): number {
  return scanJson(text).end;
}

/** `line L, column C` of an offset in `text` (1-based). */
function lineColumn(text: string, at: number): string {
  const before = text.slice(0, at);
  return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
}

/**
 * JSON.parse's message with the line and column of the error: of its "at position N", or, when
 * Node 20 gives none, of jsonErrorOffset; e.g. `Unexpected token } in JSON at position 42 (line
 * 3, column 5)`.
 */
export function withLineColumn(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  const at = m ? Number(m[1]) : jsonErrorOffset(text);
  // Node's quoted excerpt can span lines: one line of message.
  return `${message.replace(/\s*\n\s*/g, ' ')} (${lineColumn(text, at)})`;
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
    // A byte-order mark (editors on Windows write one) is not JSON, but no part of the config either.
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (e) {
      throw new ConfigError(file, [
        {
          path: '(file)',
          expected: 'valid JSON',
          received: text.trim() === '' ? 'an empty file' : withLineColumn((e as Error).message, text),
        },
      ]);
    }
    // JSON.parse keeps the last of a key given twice: which one the author meant is not known.
    const { duplicates } = scanJson(text);
    if (duplicates.length > 0)
      throw new ConfigError(
        file,
        duplicates.map((d) => ({
          path: d.path === '' ? d.key : `${d.path}.${d.key}`,
          expected: 'each key once in an object (JSON keeps only the last, silently)',
          received: `${JSON.stringify(d.key)} twice: at ${lineColumn(text, d.first)} and at ${lineColumn(text, d.again)}`,
        })),
      );
    return parsed;
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
    const problems: ConfigProblem[] = [];
    const data = snapshot(value, [], new Map(), problems, path);
    if (problems.length > 0) throw new ConfigError(file, problems);
    return data;
  }
  throw new ConfigError(file, [
    { path: '(file)', expected: 'a file ending in .ts or .json', received: JSON.stringify(ext || file) },
  ]);
}

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';

/** A path in the validator's dotted form: `array.rows`, `axes.multiplier[1]`, `(root)`. */
function dottedPath(keys: readonly (string | number)[]): string {
  return keys.length === 0
    ? '(root)'
    : keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/**
 * A script's default export as data, as JSON.stringify would see it: lists and objects copied, every
 * own enumerable property read once (an object's toJSON() applied), so that what throws while
 * being read (a getter, a toJSON, a Proxy) is the user's error naming its field, worded like a
 * module that throws on import, and is never run again by the validator, a clone or a hash; and a
 * value that contains itself is refused by path (JSON has no form for it). Values JSON cannot
 * hold but the validator names (a function, a Symbol, a BigInt, NaN, Infinity) are kept as they
 * are, for the schema's messages ("received a function", "received 4n").
 */
function snapshot(
  value: unknown,
  keys: (string | number)[],
  open: Map<object, string>,
  problems: ConfigProblem[],
  file: string,
): unknown {
  /** Reads `get()`, or records what it threw at `at` (and gives undefined). */
  const read = <T>(get: () => T, at: (string | number)[]): T | undefined => {
    try {
      return get();
    } catch (e) {
      problems.push({
        path: dottedPath(at),
        expected: `a value that can be read (reading it threw: fix ${file})`,
        received: thrownText(e),
      });
      return undefined;
    }
  };
  if (value === null || typeof value !== 'object') return value;
  // A Promise (`export default loadConfig()` without await) has no fields of its own: say what it
  // is rather than list every required key as missing.
  if (value instanceof Promise) {
    problems.push({
      path: dottedPath(keys),
      expected: `a value, not a Promise (await it in ${file} before exporting: \`export default await …\`)`,
      received: 'a Promise',
    });
    return undefined;
  }
  const v = read(() => {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    return typeof toJSON === 'function'
      ? ((toJSON as (key: string) => unknown).call(value, String(keys.at(-1) ?? '')) as unknown)
      : value;
  }, keys);
  if (v === null || typeof v !== 'object') return v;
  const back = open.get(v);
  if (back !== undefined) {
    problems.push({
      path: dottedPath(keys),
      expected: 'a value that does not contain itself (a config is a tree: JSON has no form for a cycle)',
      received: `a reference back to ${back}`,
    });
    return undefined;
  }
  const names =
    read(() => (Array.isArray(v) ? Array.from({ length: v.length }, (_, i) => i) : Object.keys(v)), keys) ?? [];
  open.set(v, dottedPath(keys));
  const entries = names.map((k): [string | number, unknown] => {
    const at = [...keys, k];
    return [
      k,
      snapshot(
        read(() => (v as Record<string | number, unknown>)[k], at),
        at,
        open,
        problems,
        file,
      ),
    ];
  });
  open.delete(v);
  return Array.isArray(v) ? entries.map(([, x]) => x) : Object.fromEntries(entries);
}

/** What a config's code threw, as the user should read it: its name and message, no tsx stack of data: URLs. */
function thrownText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  let msg = String(err?.message ?? e).trim();
  // "Cannot find module './x.js'\nRequire stack:\n- /abs/file.ts?namespace=…": keep the first line.
  if (/^Cannot find module/.test(msg)) msg = msg.split('\n')[0]!;
  msg = msg.replace(/^Transform failed with \d+ errors?:\n/, '').replace(/\?namespace=[\w-]+/g, '');
  return `${err?.name && err.name !== 'TransformError' && !msg.startsWith(err.name) ? `${err.name}: ` : ''}${msg.split('\n').slice(0, 6).join(' | ')}`;
}

/**
 * A config module that did not load (a syntax error, a missing import, an exception thrown by its
 * code) is the user's input at fault: its message, without tsx's stack of data: URLs.
 */
function importProblem(e: unknown, path: string): ConfigProblem {
  const err = e as { name?: string };
  const received = thrownText(e);
  const kind = err?.name === 'TransformError' ? 'it does not compile' : 'importing it threw';
  // A copy of an example outside the checkout keeps its relative '../generator/dsl.js' import.
  const dsl = /^(\w+: )?Cannot find module '[^']*generator\/dsl(\.js)?'/.test(received)
    ? `; import the DSL by its absolute path, '${join(ROOT_DIR, 'generator', 'dsl.js')}', or write the config as JSON`
    : '';
  return {
    path: '(file)',
    expected: `a module that loads and default-exports a config (${kind}: fix ${path}${dsl})`,
    received,
  };
}

export async function loadConfig(file: string): Promise<ResolvedConfig> {
  return resolveConfig(await loadWritten(file), file, { baseDir: dirname(resolvePath(file)) });
}
