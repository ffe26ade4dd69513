/**
 * `axgen validate --typecheck`: a .ts config whose values are valid but whose types are not is
 * refused (exit 1) with file:line:column and the TypeScript code; a well-typed example passes and
 * says it was checked, from any working folder; a JSON config says its types were not checked (schema only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAxgen, ROOT } from '../helpers/cli.js';
import { typecheckConfig } from '../../generator/config/typecheck.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'axgen-typecheck-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = (
  extra: string,
) => `import { defineAccelerator, exact } from ${JSON.stringify(join(ROOT, 'generator', 'dsl.js'))};
${extra}
export default defineAccelerator({
  name: 'typed' + r,
  array: { rows: 2, cols: 2 },
  precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
  multiplier: exact(),
});
`;

describe('axgen validate --typecheck', () => {
  it('refuses a .ts config with a type error, naming file, line, column and code; without the option it is valid', async () => {
    const f = join(work, 'bad.ts');
    writeFileSync(f, config('const r: string = 4;'));
    const plain = await runAxgen(['validate', f]);
    expect(plain.exitCode, plain.all).toBe(0);
    const r = await runAxgen(['validate', f, '--typecheck'], { cwd: work });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toContain(`✖ ${f}: 1 type error`);
    expect(r.stderr).toContain(`${f}:2:7: error TS2322: Type 'number' is not assignable to type 'string'.`);
    expect(r.stdout).toBe('');
  });

  it('a well-typed config has no errors (in-process), and the CLI says its types were checked', async () => {
    expect(await typecheckConfig(join(ROOT, 'examples', 'edge-int8.ts'))).toEqual([]);
    const f = join(work, 'good.ts');
    writeFileSync(f, config("const r: string = '4';"));
    // From a folder outside the checkout, as a user runs it (the types resolve from the checkout).
    const r = await runAxgen(['validate', f, '--typecheck'], { cwd: work });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/types: checked \(TypeScript, axgen's compiler options\): no errors/);
  });

  it('reports type errors and value problems in one run (a misspelt option is both)', async () => {
    const f = join(work, 'both.ts');
    writeFileSync(
      f,
      config("const r: string = '4';").replace(
        'multiplier: exact(),',
        "multiplier: { kind: 'drum', k: 4, shift: 'onehot' },",
      ),
    );
    const r = await runAxgen(['validate', f, '--typecheck'], { cwd: work });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toMatch(/type error/);
    expect(r.stderr).toMatch(/both\.ts:7:\d+: error TS2820: Type '"onehot"' is not assignable/);
    expect(r.stderr).toMatch(/✖ multiplier\.shift: expected one of "binary", "one-hot"/);
  });

  it('a JSON config: the types are said not to be checked', async () => {
    const r = await runAxgen(['validate', join(ROOT, 'examples', 'edge-int8.json'), '--typecheck']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/types: not checked \(--typecheck applies to a \.ts config/);
  });
});
