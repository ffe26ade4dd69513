/**
 * Type checking of a `.ts` config (`axgen validate --typecheck`).
 *
 * axgen loads a `.ts` config with tsx, which strips the types without checking them, so a type
 * error (`const r: string = 4`, a misspelt DSL option the schema happens to accept) goes unreported.
 * This runs the TypeScript compiler (the `typescript` package axgen's own sources are checked with)
 * on the config with axgen's compiler options (tsconfig.json: ES2022, NodeNext modules, strict), so
 * the config and the DSL it imports are checked as axgen's own code is. `tsc --noEmit my.ts` would
 * not do: given files on its command line, tsc ignores tsconfig.json and checks with ES5 defaults,
 * reporting errors in axgen's sources rather than the config's.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT_DIR } from '../root.js';

/** One type error: file (relative to the working folder), 1-based line and column, TS code, message. */
export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** The `typescript` package is not installed (it is one of axgen's devDependencies). */
export class TypeScriptMissingError extends Error {
  constructor() {
    super(
      `the typescript package is not installed in ${ROOT_DIR} (it is one of axgen's devDependencies): run npm ci there`,
    );
    this.name = 'TypeScriptMissingError';
  }
}

/**
 * Type-checks the `.ts` config `file` and the modules it imports, under axgen's tsconfig.json
 * compiler options. Returns every error (empty when none), in the config first (its `file` as given)
 * and in files it imports after; a problem in axgen's own sources would show too (none are expected: CI checks them).
 * @throws TypeScriptMissingError when the `typescript` package is not installed
 */
export async function typecheckConfig(file: string): Promise<TypeProblem[]> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new TypeScriptMissingError();
  }
  const configPath = resolve(ROOT_DIR, 'tsconfig.json');
  const json = ts.parseConfigFileTextToJson(configPath, readFileSync(configPath, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(json.config, ts.sys, dirname(configPath));
  // Only the config (and what it imports): not the folders tsconfig.json includes.
  // Resolved from the checkout, not the working folder: `types: ["node"]` is looked up under the
  // current directory's node_modules/@types otherwise, so a run from another folder found no Node
  // types and reported every `node:` import in axgen's sources.
  const options = {
    ...parsed.options,
    noEmit: true,
    noUnusedLocals: false,
    typeRoots: [join(ROOT_DIR, 'node_modules', '@types')],
  };
  const host = ts.createCompilerHost(options);
  host.getCurrentDirectory = () => ROOT_DIR;
  const program = ts.createProgram({ rootNames: [resolve(file)], options, host });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d): TypeProblem => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, code: d.code, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { file: shown(d.file.fileName), line: line + 1, column: character + 1, code: d.code, message };
    });
  // The config as the user named it; other files relative to the working folder when under it.
  function shown(f: string): string {
    if (resolve(f) === resolve(file)) return file;
    const r = relative(process.cwd(), f);
    return r.startsWith('..') ? resolve(f) : r;
  }
  return [...problems.filter((p) => p.file === file), ...problems.filter((p) => p.file !== file)];
}

/** `file:line:column: error TScode: message`, the form editors and tsc print. */
export function formatTypeProblem(p: TypeProblem): string {
  const where = p.file ? `${p.file}:${p.line}:${p.column}: ` : '';
  return `${where}error TS${p.code}: ${p.message.replace(/\n/g, '\n    ')}`;
}
