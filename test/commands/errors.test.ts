/**
 * How errors are classified and worded, in-process (exits.test.ts runs one case of each kind end
 * to end): config files that are not configs, values a .ts config holds that JSON cannot (a function,
 * a BigInt, NaN, a getter that throws), filesystem errors on paths the user gave (EACCES
 * needs a mock: the tests run as root), simulator compile errors, missing tools, arguments as
 * typed, and schema messages without raw ajv wording.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { availableParallelism } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, closest, formatProblem, show } from '../../generator/infra/errors.js';
import { jsonErrorOffset, loadConfig } from '../../generator/config/load.js';
import { schemaProblems } from '../../generator/config/validate.js';
import { loadSweep, sweepSchemaProblems } from '../../generator/sweep/spec.js';
import { generateTo } from '../../generator/emit/generate.js';
import { units } from '../../generator/units/index.js';
import { argsAsTyped, attachDashValues, optionForPath, setGivenPaths } from '../../generator/commands/args.js';
import {
  describeFailure,
  EXIT_CHECK_FAILED,
  EXIT_INTERNAL,
  EXIT_TOOL,
  EXIT_USER,
} from '../../generator/commands/common.js';
import { SimulatorCompileError } from '../../sim/simulators.js';
import { loadRtlFolder } from '../../sim/rtl-dir.js';
import { ToolMissingError } from '../../generator/infra/tools.js';
import { config } from '../helpers/configs.js';
import { expectNoUndeclaredInternalError, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axgen-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setGivenPaths([]));

/** The problems of a ConfigError thrown by `p`, as printed. */
async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a ConfigError').toBeInstanceOf(ConfigError);
  return (e as ConfigError).problems.map(formatProblem);
}

const edge = JSON.parse(readFileSync(join(ROOT, 'examples/edge-int8.json'), 'utf8')) as Record<string, unknown>;

describe('config files that are not configs (exit 1)', () => {
  it('a .ts file that throws, does not compile or imports a missing module: its message, no data: URLs', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'throws.ts',
        'throw new RangeError("too many rows");\nexport default {};\n',
        /importing it threw: fix .*throws\.ts\), received RangeError: too many rows$/,
      ],
      [
        'syntax.ts',
        'export default { name: \n',
        /it does not compile: fix .*syntax\.ts\), received .*syntax\.ts:2:0: ERROR: Unexpected end of file$/,
      ],
      [
        'imports.ts',
        'import x from "./nope.js";\nexport default x;\n',
        /received Error: Cannot find module '\.\/nope\.js'$/,
      ],
      [
        'copied-example.ts',
        'import { defineAccelerator } from "../generator/dsl.js";\nexport default defineAccelerator({});\n',
        /import the DSL by its absolute path, '.*\/generator\/dsl\.js', or write the config as JSON\), received Error: Cannot find module '\.\.\/generator\/dsl\.js'$/,
      ],
    ];
    for (const [name, text, re] of cases) {
      writeFileSync(join(dir, name), text);
      const p = await problemsOf(loadConfig(join(dir, name)));
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(re);
      expect(p[0]).not.toMatch(/data:|namespace=/);
    }
  });

  it('an empty .ts file or one with only named exports: "no default export"; `export default {}` is a config with missing fields', async () => {
    for (const [name, text] of [
      ['empty.ts', ''],
      ['named.ts', 'export const config = { name: "x" };\n'],
    ]) {
      writeFileSync(join(dir, name!), text!);
      expect(await problemsOf(loadConfig(join(dir, name!)))).toEqual([
        '✖ (file): expected a default export, e.g. `export default defineAccelerator({...})`, received no default export',
      ]);
    }
    writeFileSync(join(dir, 'emptyobj.ts'), 'export default {};\n');
    expect((await problemsOf(loadConfig(join(dir, 'emptyobj.ts')))).join('\n')).toMatch(/array: expected an object/);
  });

  it('a folder named like a config (dir.json, dir.ts)', async () => {
    for (const name of ['dir.json', 'dir.ts']) {
      mkdirSync(join(dir, name));
      expect(await problemsOf(loadConfig(join(dir, name)))).toEqual([
        `✖ (file): expected a .ts or .json config file, received a folder (${JSON.stringify(join(dir, name))})`,
      ]);
    }
  });

  it('a sweep spec where a config is expected and a config where a sweep is expected: one problem naming the command', async () => {
    expect(await problemsOf(loadConfig(join(ROOT, 'examples/sweep-8bit.ts')))).toEqual([
      '✖ (root): expected an accelerator config (this is a sweep spec: run it with `axgen sweep <spec>`), received a sweep spec (keys "base" and "axes")',
    ]);
    const p = await problemsOf(loadSweep(join(ROOT, 'examples/edge-int8.json')));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^✖ \(root\): expected a sweep spec \(this is an accelerator config: use `axgen validate`/);
  });

  it('type errors in a .ts config are not reported (tsx strips types; the README says so): the values are validated', async () => {
    writeFileSync(
      join(dir, 'typed.ts'),
      `const r: string = 4;\nexport default { ...${JSON.stringify(edge)}, name: 'typed' };\nvoid r;\n`,
    );
    expect((await loadConfig(join(dir, 'typed.ts'))).name).toBe('typed');
  });
});

describe('DSL builders given a bare value (mitchell(4) used to mean mitchell())', () => {
  it('throw naming the call and the expected object; the .ts config is exit 1', async () => {
    const { mitchell, asm, unit, zeroSkip } = await import('../../generator/dsl.js');
    expect(() => (mitchell as (p: unknown) => unknown)(4)).toThrow(
      /^mitchell\(\): expected nothing or one object of parameters, e\.g\. mitchell\(\{ fractionBits: 4 \}\), received 4$/,
    );
    expect(() => (asm as (p: unknown) => unknown)([1, 3])).toThrow(/^asm\(\): .*received \[1,3\]$/);
    expect(() => (unit.drum as (p: unknown) => unknown)(true)).toThrow(/^unit\.drum\(\): .*received true$/);
    expect(() => (zeroSkip as (p: unknown) => unknown)(2)).toThrow(/^zeroSkip\(\): .*received 2$/);
    expect(mitchell({ fractionBits: 4 })).toEqual({ kind: 'mitchell', fractionBits: 4 });
    expect(unit.drum()).toEqual({ kind: 'drum' });
    const f = join(dir, 'bare.ts');
    writeFileSync(
      f,
      `import { mitchell } from ${JSON.stringify(join(ROOT, 'generator/dsl.ts'))};\n` +
        `export default { name: 'b', array: { rows: 2, cols: 2 }, precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } }, multiplier: mitchell(4 as never) };\n`,
    );
    expect(await problemsOf(loadConfig(f))).toEqual([
      expect.stringMatching(
        /importing it threw: fix .*bare\.ts\), received TypeError: mitchell\(\): expected nothing or one object/,
      ),
    ]);
  });
});

describe('JSON configs and --rtl folders: what the message says', () => {
  it('a JSON syntax error gives its line and column; a byte-order mark is accepted', async () => {
    const bad = join(dir, 'syntax.json');
    writeFileSync(bad, '{\n  "name": "x",\n  "array": {"rows": 2,}\n}\n');
    expect(await problemsOf(loadConfig(bad))).toEqual([
      expect.stringMatching(/^✖ \(file\): expected valid JSON, received .* at position 39 \(line 3, column 23\)$/),
    ]);
    // Messages in which Node gives no position: located by jsonErrorOffset; an empty file said so.
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, '{\n  "a": {"signed": ture },\n  "b": 1\n}\n');
    expect(await problemsOf(loadConfig(typo))).toEqual([
      expect.stringMatching(
        /^✖ \(file\): expected valid JSON, received Unexpected token 'u', .* \(line 2, column 20\)$/,
      ),
    ]);
    expect(
      ['{"x":}', 'tru', '{"a":1} x', '[1, 2', '{"a": "b\nc"}', '{"a": [1, {"b": null}], "d": 1.5e3}'].map(
        jsonErrorOffset,
      ),
    ).toEqual([5, 3, 8, 5, 8, 35]);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '\n');
    expect(await problemsOf(loadConfig(empty))).toEqual(['✖ (file): expected valid JSON, received an empty file']);
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF' + JSON.stringify(edge));
    await expect(loadConfig(bom)).resolves.toMatchObject({ name: edge.name });
  });

  it('a key given twice in one object is refused with both places (JSON.parse would keep the last)', async () => {
    const dup = join(dir, 'dup.json');
    const text = JSON.stringify(edge, null, 2).replace('"array": {', '"array": {\n    "rows": 1,');
    writeFileSync(dup, text.replace(/\n}$/, ',\n  "multiplier": { "kind": "exact" }\n}'));
    expect(await problemsOf(loadConfig(dup))).toEqual([
      expect.stringMatching(
        /^✖ array\.rows: expected each key once in an object \(JSON keeps only the last, silently\), received "rows" twice: at line \d+, column 5 and at line \d+, column 5$/,
      ),
      expect.stringMatching(
        /^✖ multiplier: expected each key once in an object .*received "multiplier" twice: at line/,
      ),
    ]);
    // The same key in different objects, and in the objects of an array, is no duplicate.
    writeFileSync(dup, '{"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 2}]}');
    await expect(loadConfig(dup)).rejects.not.toThrow(/twice/);
  });

  it('--rtl names what is there instead of a generated folder: nothing, a file, a folder without manifest.json', async () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    const empty = join(dir, 'empty-rtl');
    mkdirSync(empty);
    for (const [p, tail] of [
      [join(dir, 'no-such-rtl'), 'which does not exist'],
      [file, 'a file'],
      [empty, 'a folder without manifest.json'],
    ] as const)
      expect(await problemsOf(loadRtlFolder(p))).toEqual([
        expect.stringMatching(new RegExp(`received "${p}", ${tail}$`)),
      ]);
  });
});

describe('values a .ts config holds that JSON cannot (exit 1 naming the field, never exit 3)', () => {
  const dsl = JSON.stringify(join(ROOT, 'generator', 'dsl.js'));
  const kinds = units.map((u) => `"${u.kind}"`).join(', ');
  /** A .ts config: `edge` with `fields` (TypeScript source text) written over it. */
  const tsConfig = (name: string, fields: string, prelude = '') => {
    writeFileSync(
      join(dir, name),
      `import { exact, mitchell, zeroSkip } from ${dsl};\nvoid exact; void mitchell; void zeroSkip;\n${prelude}\nexport default { ...${JSON.stringify(edge)}, ${fields} };\n`,
    );
    return join(dir, name);
  };
  /** The problems of loading `file`, after checking it is a user error (exit 1) as the CLI classifies it. */
  async function userProblems(p: Promise<unknown>): Promise<string[]> {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(describeFailure(e, undefined).exitCode).toBe(EXIT_USER);
    return problemsOf(Promise.reject(e));
  }

  it('a function where a value belongs (`mitchell` for `mitchell()`): received a function, with the call to write', async () => {
    expect(await userProblems(loadConfig(tsConfig('forgotcall.ts', 'multiplier: mitchell')))).toEqual([
      `✖ multiplier: expected an object whose "kind" is one of ${kinds} (call the unit: mitchell()), received a function`,
    ]);
    expect(
      await userProblems(loadConfig(tsConfig('fields.ts', 'zeroSkip, description: [() => "x"][0], extra: Math.max'))),
    ).toEqual([
      expect.stringMatching(/^✖ extra: expected no such key .*, received a function$/),
      '✖ description: expected a string (call the function and give what it returns), received a function',
      '✖ zeroSkip: expected an object with keys "activation", "weight", "gating" (call the function: zeroSkip()), received a function',
    ]);
    for (const [name, text, received] of [
      ['fn-export.ts', 'export default function makeConfig() { return {}; }\n', 'a function'],
      ['symbol-export.ts', 'export default Symbol("config");\n', 'Symbol(config)'],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const p = await userProblems(loadConfig(join(dir, name)));
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/^✖ \(root\): expected an object with keys "\$schema", "name"/);
      expect(p[0]).toMatch(
        name === 'fn-export.ts'
          ? / \(call the function: makeConfig\(\)\), received a function$/
          : /received Symbol\(config\)$/,
      );
      expect(p[0]!.endsWith(`received ${received}`)).toBe(true);
    }
  });

  it('a Promise as the default export or in a field: "received a Promise", not every required key missing', async () => {
    const root = join(dir, 'promise.ts');
    writeFileSync(root, `export default Promise.resolve(${JSON.stringify(edge)});\n`);
    expect(await userProblems(loadConfig(root))).toEqual([
      expect.stringMatching(
        /^✖ \(root\): expected a value, not a Promise \(await it in .*promise\.ts before exporting/,
      ),
    ]);
    expect(
      await userProblems(loadConfig(tsConfig('promise-field.ts', 'multiplier: Promise.resolve(exact())'))),
    ).toEqual([expect.stringMatching(/^✖ multiplier: expected a value, not a Promise .*received a Promise$/)]);
  });

  it('a BigInt, NaN, and Infinity (1e400 in JSON) are named as written, not "null" or a serialization crash', async () => {
    expect(await userProblems(loadConfig(tsConfig('bigint.ts', 'array: { rows: 4n, cols: 8, maxK: NaN }')))).toEqual([
      '✖ array.rows: expected an integer from 1 to 64, received 4n',
      '✖ array.maxK: expected an integer from 1 to 65536, received NaN',
    ]);
    writeFileSync(join(dir, 'inf.json'), JSON.stringify(edge).replace('"rows":8', '"rows":1e400'));
    expect(await userProblems(loadConfig(join(dir, 'inf.json')))).toEqual([
      '✖ array.rows: expected an integer from 1 to 64, received Infinity',
    ]);
    expect(
      await userProblems(
        loadConfig(tsConfig('nested.ts', 'multiplier: { kind: "asm", alphabet: [1, 3n, -Infinity] }')),
      ),
    ).toEqual([
      '✖ multiplier.alphabet[1]: expected one of 1, 3, 5, 7, 9, 11, 13, 15, received 3n',
      '✖ multiplier.alphabet[2]: expected one of 1, 3, 5, 7, 9, 11, 13, 15, received -Infinity',
    ]);
  });

  it('show() names every value a .ts config can hold, inside objects and lists too, and never throws', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(show(function mitchell() {})).toBe('a function');
    expect(show({ a: [1n, NaN, Infinity, Symbol('s'), function f() {}, () => 0], b: undefined })).toBe(
      '{"a":[1n,NaN,Infinity,Symbol(s),[function f],[function]]}',
    );
    expect(show(cyclic)).toBe('{"a":1,"self":[circular]}');
    expect(show(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(
      show({
        get x() {
          throw new Error('no');
        },
      }),
    ).toBe('[object Object]');
  });

  it('a getter that throws is worded like a module that throws on import, naming its field; a cycle names both ends', async () => {
    const getter = tsConfig('getter.ts', 'get array(): never { throw new RangeError("no array today"); }');
    expect(await userProblems(loadConfig(getter))).toEqual([
      `✖ array: expected a value that can be read (reading it threw: fix ${getter}), received RangeError: no array today`,
    ]);
    const cycle = tsConfig(
      'cycle.ts',
      'multiplier: m',
      'const m: Record<string, unknown> = { kind: "exact" };\nm.self = [m];',
    );
    expect(await userProblems(loadConfig(cycle))).toEqual([
      '✖ multiplier.self[0]: expected a value that does not contain itself (a config is a tree: JSON has no form for a cycle), received a reference back to multiplier',
    ]);
  });

  it('in a sweep: a function among the axis values or in the inline base is refused by path before the spec is cloned', async () => {
    /** A .ts sweep whose base is `edge` with `fields` written over it. */
    const sweep = (name: string, axes: string, fields = '') => {
      writeFileSync(
        join(dir, name),
        `import { exact, mitchell } from ${dsl};\nexport default { name: 'sw', base: { ...${JSON.stringify(edge)}, ${fields} }, axes: ${axes} };\n`,
      );
      return join(dir, name);
    };
    expect(await userProblems(loadSweep(sweep('sw-axes.ts', '{ multiplier: [exact(), mitchell] }')))).toEqual([
      `✖ axes["multiplier"][1]: expected an object whose "kind" is one of ${kinds} (call the unit: mitchell()), received a function`,
    ]);
    // Refused even where an axis overrides the field (array.rows here), as no config holds them.
    const base = sweep('sw-base.ts', '{ "array.rows": [4] }', 'array: { rows: 4n }, multiplier: mitchell, extra: [1n]');
    expect(await userProblems(loadSweep(base))).toEqual([
      '✖ base.array.rows: expected an integer from 1 to 64, received 4n',
      `✖ base.multiplier: expected an object whose "kind" is one of ${kinds} (call the unit: mitchell()), received a function`,
      '✖ base.extra[0]: expected a value a config holds: a string, a number, true or false, null, a list or an object, received 1n',
    ]);
    // A base read from a .ts file: the same, named as its other problems are.
    tsConfig('base-fn.ts', 'multiplier: mitchell');
    writeFileSync(
      join(dir, 'sw-file.ts'),
      `export default { name: 'sw', base: './base-fn.ts', axes: { 'array.rows': [4] } };\n`,
    );
    expect(await userProblems(loadSweep(join(dir, 'sw-file.ts')))).toEqual([
      `✖ base (./base-fn.ts): multiplier: expected an object whose "kind" is one of ${kinds} (call the unit: mitchell()), received a function`,
    ]);
  });
});

/** A Node filesystem error as fs/promises throws it. */
function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

describe('filesystem errors', () => {
  it("an error on the exact path of one option is that option's, though another option's file lies inside it", () => {
    setGivenPaths([
      { option: '--model', path: 'models/x-int8.onnx' },
      { option: '--float-model', path: 'models' },
    ]);
    expect(optionForPath('models')?.option).toBe('--float-model');
    expect(optionForPath('models/x-int8.onnx')?.option).toBe('--model');
  });

  it('on a path the user gave, its temporary sibling or a folder above it: exit 1 naming the option (EACCES mocked: tests run as root)', () => {
    setGivenPaths([
      { option: '<config>', path: 'c.json' },
      { option: '--out', path: '/srv/shared/out' },
      { option: '--json', path: 'reports/r.json' },
    ]);
    const cases: [NodeJS.ErrnoException, RegExp][] = [
      [
        fsError('EACCES', 'mkdtemp', '/srv/shared/.out.tmp-Ab12'),
        /^✖ --out "\/srv\/shared\/out": cannot create a temporary folder \/srv\/shared\/\.out\.tmp-Ab12: permission denied \(EACCES\); choose a location you can write/,
      ],
      [
        fsError('EACCES', 'mkdir', '/srv/shared'),
        /^✖ --out "\/srv\/shared\/out": cannot create the folder \/srv\/shared: permission denied/,
      ],
      [
        fsError('EROFS', 'open', join(process.cwd(), 'reports/r.json.tmp-77')),
        /^✖ --json "reports\/r\.json": cannot open .*r\.json\.tmp-77: the file system is read-only \(EROFS\)/,
      ],
      [
        fsError('EACCES', 'open', join(process.cwd(), 'c.json')),
        /^✖ <config> "c\.json": cannot open .*c\.json: permission denied/,
      ],
    ];
    for (const [e, re] of cases) {
      const f = describeFailure(e, undefined);
      expect(f.exitCode).toBe(EXIT_USER);
      expect(f.text).toMatch(re);
      expect(f.text.trim().split('\n')).toHaveLength(1);
    }
  });

  it("a permission or disk-full error elsewhere is the machine's (exit 1); a missing file axgen wrote itself is a bug (exit 3)", () => {
    setGivenPaths([{ option: '--out', path: '/srv/out' }]);
    const full = describeFailure(fsError('ENOSPC', 'write', '/var/cache/axgen/x'), 'abc');
    expect(full.exitCode).toBe(EXIT_USER);
    expect(full.text).toMatch(
      /^✖ file system: cannot write \/var\/cache\/axgen\/x: no space left on the device \(ENOSPC\)/,
    );
    const bug = describeFailure(fsError('ENOENT', 'open', '/tmp/axgen-build/sim.vvp'), 'abcdef0123456789');
    expect(bug.exitCode).toBe(EXIT_INTERNAL);
    expect(bug.text).toMatch(/internal error \(config sha256:abcdef012345\)/);
  });

  it('generateTo into a folder under a regular file is refused as --out (the output guard sees the file first)', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const out = join(file, 'sub');
    setGivenPaths([{ option: '--out', path: out }]);
    const e = await generateTo(config({ rows: 1, cols: 1 }), out).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(describeFailure(e, undefined)).toMatchObject({
      exitCode: EXIT_USER,
      text: expect.stringMatching(
        /✖ --out: expected a path under a folder, not under a file, received ".*plain\/sub", which lies inside ".*plain", which is a file/,
      ),
    });
  });
});

describe('simulator compile errors and missing tools', () => {
  it("a compile error in Verilog read from the user's folder is the check's result (4); in emitted RTL a bug (3)", () => {
    const out = 'sm_pe.v:65: syntax error\nI give up.';
    const user = describeFailure(new SimulatorCompileError('icarus', out, true), 'h');
    expect(user.exitCode).toBe(EXIT_CHECK_FAILED);
    expect(user.text).toBe(
      '✖ iverilog could not compile the Verilog read from the folder (fix the edit, or regenerate the folder with `axgen generate … --force`, which moves the edited folder aside):\n  sm_pe.v:65: syntax error\n  I give up.\n',
    );
    const ours = describeFailure(new SimulatorCompileError('verilator', out, false), 'h');
    expect(ours.exitCode).toBe(EXIT_INTERNAL);
    expect(ours.text).toMatch(/verilator could not compile the emitted RTL/);
  });

  it('several missing tools: one message naming each and every package once (exit 2)', () => {
    const e = new ToolMissingError([
      { tool: 'iverilog', pkg: 'iverilog', detail: 'not found on the PATH' },
      { tool: 'verilator', pkg: 'verilator build-essential', detail: 'not found on the PATH' },
      { tool: 'make', pkg: 'build-essential', detail: 'Verilator builds its models with make; not found on the PATH' },
    ]);
    const f = describeFailure(e, undefined);
    expect(f.exitCode).toBe(EXIT_TOOL);
    expect(f.text).toMatch(
      /iverilog is not available .*; verilator is not available .*; make is not available .*\. Install them with: sudo apt-get install -y iverilog verilator build-essential\n$/,
    );
  });
});

describe('arguments as typed', () => {
  it('a value starting with "-" and a digit stays with its long option', () => {
    expect(attachDashValues(['sim', 'c.json', '--gemm', '-1x2x2', '--stall', '-.5', '-x', '--seed', '3'])).toEqual([
      'sim',
      'c.json',
      '--gemm=-1x2x2',
      '--stall=-.5',
      '-x',
      '--seed',
      '3',
    ]);
    expect(attachDashValues(['sim', '--', '--gemm', '-1'])).toEqual(['sim', '--', '--gemm', '-1']);
  });

  it('a number option that did not parse gets its text back (so messages say received "abc", not null), and paths are remembered', () => {
    const args = ['sim', 'c.json', '--stall', 'abc', '--seed=x1', '--json', 'r.json'];
    const argv: Record<string, unknown> = {
      _: ['sim'],
      $0: 'axgen',
      config: 'c.json',
      stall: NaN,
      seed: NaN,
      json: 'r.json',
      jobs: 2,
    };
    argsAsTyped(args)(argv);
    expect(argv).toMatchObject({ stall: 'abc', seed: 'x1', jobs: 2 });
    const f = describeFailure(
      Object.assign(new Error('EACCES'), {
        code: 'EACCES',
        syscall: 'open',
        path: join(process.cwd(), 'r.json.tmp-1'),
      }),
      undefined,
    );
    expect(f.text).toMatch(/^✖ --json "r\.json": /);
    const c = describeFailure(
      Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open', path: join(process.cwd(), 'c.json') }),
      undefined,
    );
    expect(c.text).toMatch(/^✖ <config> "c\.json": /);
  });

  it('a camel-case alias gets the text too, and a number option typed without a value becomes "" (refused by its check, not defaulted)', () => {
    const args = ['fpga', 'c.json', '--pnr-time-limit', '10s', '--clock', '--no-verify', '--seed'];
    const argv: Record<string, unknown> = {
      _: ['fpga'],
      $0: 'axgen',
      config: 'c.json',
      'pnr-time-limit': NaN,
      pnrTimeLimit: NaN,
      clock: 50,
      verify: false,
      seed: undefined,
      out: '',
    };
    argsAsTyped(args)(argv);
    expect(argv).toMatchObject({ 'pnr-time-limit': '10s', pnrTimeLimit: '10s', clock: '', seed: '', verify: false });
  });

  it('a number option given an empty or blank text is that text, not 0 (yargs gives Number("") = 0); a typed 0 stays 0', () => {
    const args = ['sim', 'c.json', '--jobs', '', '--seed=', '--stall', ' ', '--samples', '0'];
    const argv: Record<string, unknown> = {
      _: ['sim'],
      $0: 'axgen',
      config: 'c.json',
      jobs: 0,
      seed: 0,
      stall: 0,
      samples: 0,
    };
    argsAsTyped(args)(argv);
    expect(argv).toMatchObject({ jobs: '', seed: '', stall: ' ', samples: 0 });
  });

  it('an option given twice is its last value, under its camel-case alias too, and as typed if it did not parse; an array option keeps every value', () => {
    const args = ['fpga', 'c.json', '--jobs', '2', '--jobs', 'x', '--out', 'a', '--out', 'b', '--pnr-time-limit', '5'];
    const argv: Record<string, unknown> = {
      _: ['fpga'],
      $0: 'axgen',
      config: 'c.json',
      jobs: [2, NaN],
      out: ['a', 'b'],
      only: ['r0', 'r1'],
      'pnr-time-limit': [5, 9],
      pnrTimeLimit: [5, 9],
    };
    argsAsTyped(args)(argv, { getOptions: () => ({ array: ['only'] }) });
    expect(argv).toMatchObject({ jobs: 'x', out: 'b', only: ['r0', 'r1'], 'pnr-time-limit': 9, pnrTimeLimit: 9 });
    // Only the last occurrence decides whether a number option was typed without a value.
    const empty: Record<string, unknown> = { _: ['sim'], $0: 'axgen', clock: 50, seed: [1, undefined] };
    argsAsTyped(['sim', '--clock', '--clock', '50', '--seed', '1', '--seed'])(empty, {
      getOptions: () => ({ array: [] }),
    });
    expect(empty).toMatchObject({ clock: 50, seed: '' });
  });
});

describe('schema messages', () => {
  const p = (x: unknown) => schemaProblems(x).map(formatProblem);
  it('no raw ajv wording: repeated items, anyOf', () => {
    expect(p({ ...edge, multiplier: { kind: 'asm', alphabet: [1, 3, 3] } })).toEqual([
      '✖ multiplier.alphabet: expected a list without repeated values ([1] and [2] are both 3), received [1,3,3]',
    ]);
    expect(p({ ...edge, zeroSkip: { activation: 'x' } })).toEqual([
      '✖ zeroSkip.activation: expected an integer from 0 to 65535 or false, received "x"',
    ]);
    expect(p({ ...edge, zeroSkip: { activation: -1 } })).toEqual([
      '✖ zeroSkip.activation: expected an integer from 0 to 65535, received -1',
    ]);
    for (const m of [
      ...p({ ...edge, zeroSkip: { activation: 'x' } }),
      ...p({ ...edge, multiplier: { kind: 'asm', alphabet: [1, 1] } }),
    ])
      expect(m).not.toMatch(/must|schema|##/);
  });

  it('did you mean: a unit kind, an enum value, a key', () => {
    // The list is the registry's, so registering a unit needs no edit here.
    const kinds = units.map((u) => `"${u.kind}"`).join(', ');
    expect(p({ ...edge, multiplier: { kind: 'mitchel' } })).toEqual([
      `✖ multiplier.kind: expected one of ${kinds} (did you mean "mitchell"?), received "mitchel"`,
    ]);
    expect(kinds).toMatch(/^"exact", "asm", "mitchell", "ilm"/);
    expect(p({ ...edge, dataflow: 'output-stationery' })[0]).toContain('(did you mean "output-stationary"?)');
    expect(p({ ...edge, multiplier: { kind: 'mitchell', fractionbits: 3 } })[0]).toMatch(
      /^✖ multiplier\.fractionbits: expected no such key \(did you mean "fractionBits"\?\)/,
    );
    expect(closest('zzz', ['exact', 'asm'])).toBeUndefined();
    expect(closest('exact', ['exact', 'asm'])).toBeUndefined();
  });

  it('counts (an empty axes, list or filter) are worded as counts, and an empty axes as "at least one axis"', () => {
    const s = (x: Record<string, unknown>) =>
      sweepSchemaProblems({ name: 's', base: edge, axes: { 'array.rows': [4] }, ...x }).map(formatProblem);
    expect(s({ axes: {} })).toEqual([
      '✖ axes: expected at least one axis: a config field path and the values to try, e.g. `axes: { "array.rows": [4, 8] }`, received {}',
    ]);
    expect(s({ axes: { 'array.rows': [] } })).toEqual([
      '✖ axes.array.rows: expected a list of at least 1 value, received []',
    ]);
    expect(s({ filters: [{}] })).toEqual(['✖ filters[0]: expected an object with at least 1 key, received {}']);
    expect(s({ description: 'x'.repeat(201) })[0]).toMatch(
      /^✖ description: expected a string of at most 200 characters/,
    );
    for (const m of [...s({ axes: {} }), ...s({ filters: [{ drop: {} }] })]) expect(m).not.toMatch(/must|NOT/);
  });

  it('a sweep filter operator typo is one message: unknown operator, did you mean $gt', () => {
    const s = (f: unknown) =>
      sweepSchemaProblems({
        name: 's',
        base: edge,
        axes: { 'array.rows': [4] },
        filters: [{ drop: { 'array.rows': f } }],
      }).map(formatProblem);
    expect(s({ $gtt: 4 })).toEqual([
      '✖ filters[0].drop.array.rows: expected a known operator: one of "$in", "$nin", "$ne", "$lt", "$le", "$gt", "$ge" (did you mean "$gt"?), received the unknown operator "$gtt"',
    ]);
    expect(s({ $gt: 'a' })).toEqual(['✖ filters[0].drop.array.rows.$gt: expected a number, received "a"']);
    expect(s([1])).toEqual([
      '✖ filters[0].drop.array.rows: expected a string, a number, true or false, null or an object with keys "$in", "$nin", "$ne", "$lt", "$le", "$gt", "$ge", received [1]',
    ]);
  });

  it('a manifest whose config hash was edited says which hash is which', async () => {
    const out = join(dir, 'rtl');
    const c = config({ rows: 1, cols: 1, name: 'mh' });
    await generateTo(c, out);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { config: { hash: string } };
    m.config.hash = 'f'.repeat(64);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(m));
    expect(await problemsOf(loadRtlFolder(out))).toEqual([
      `✖ manifest.json config.hash: expected sha256:${c.hash.slice(0, 12)}…, the hash of the config that manifest.json now holds (the manifest was edited after generation: regenerate the folder with \`axgen generate … --force\`, which moves the edited folder aside), received sha256:ffffffffffff…, the hash recorded when the folder was generated`,
    ]);
  });
});

describe('the CLI test helper', () => {
  it('fails a test on an exit 3 it did not declare, and lets a declared one through', () => {
    const r = { exitCode: 3, all: 'internal error (config sha256:unknown): boom' } as Parameters<
      typeof expectNoUndeclaredInternalError
    >[1];
    expect(() => expectNoUndeclaredInternalError(['validate', 'x.json'], r)).toThrow(
      /axgen validate x\.json exited 3 \(an internal error, a bug in axgen\), which this test did not declare:\ninternal error/,
    );
    expect(() => expectNoUndeclaredInternalError(['validate', 'x.json'], r, { internalError: true })).not.toThrow();
    expect(() => expectNoUndeclaredInternalError(['validate', 'x.json'], { ...r, exitCode: 1 })).not.toThrow();
  });
});

describe('AXGEN_JOBS', () => {
  it('a value --jobs would refuse is refused too, naming the variable; unset or valid passes', async () => {
    const { checkJobs } = await import('../../generator/commands/checks.js');
    const saved = process.env.AXGEN_JOBS;
    try {
      for (const bad of ['abc', '0', '1.5', '257', '-2']) {
        process.env.AXGEN_JOBS = bad;
        expect(() => checkJobs(undefined, 'axgen sim')).toThrow(
          new RegExp(
            `AXGEN_JOBS: expected an integer from 1 to 256 \\(or unset, empty or blank\\), received "${bad.replace('.', '\\.')}"`,
          ),
        );
      }
      for (const good of ['1', '16', '256', '']) {
        process.env.AXGEN_JOBS = good;
        expect(() => checkJobs(undefined, 'axgen sim')).not.toThrow();
      }
      delete process.env.AXGEN_JOBS;
      expect(() => checkJobs(undefined, 'axgen sim')).not.toThrow();
      // The job pool reads the variable through the same parser: what the CLI refuses, the pool
      // does not take either (it falls back to the cores), so the two cannot disagree.
      const { jobsFromEnv } = await import('../../generator/infra/pool.js');
      expect(['4', ' 4 ', '256', '300', '1e1', '0', 'abc', '', undefined].map((v) => jobsFromEnv(v))).toEqual([
        4,
        4,
        256,
        null,
        null,
        null,
        null,
        undefined,
        undefined,
      ]);
    } finally {
      if (saved === undefined) delete process.env.AXGEN_JOBS;
      else process.env.AXGEN_JOBS = saved;
    }
  });

  it('empty or blank (AXGEN_JOBS=, as shells export it) is unset: the pool takes the number of cores, the CLI accepts it', async () => {
    const saved = process.env.AXGEN_JOBS;
    const { checkJobs } = await import('../../generator/commands/checks.js');
    /** The size of a job pool created in a fresh import of pool.ts under this AXGEN_JOBS. */
    const poolSize = async (v: string) => {
      process.env.AXGEN_JOBS = v;
      vi.resetModules();
      return (await import('../../generator/infra/pool.js')).jobPool.size;
    };
    try {
      expect(await poolSize('3')).toBe(3);
      for (const empty of ['', ' ', '\t']) {
        expect(await poolSize(empty), JSON.stringify(empty)).toBe(Math.max(1, availableParallelism()));
        expect(() => checkJobs(undefined, 'axgen sim')).not.toThrow();
      }
    } finally {
      if (saved === undefined) delete process.env.AXGEN_JOBS;
      else process.env.AXGEN_JOBS = saved;
      vi.resetModules();
    }
  });
});
