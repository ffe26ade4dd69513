/**
 * How users start axgen: the `axgen` link that scripts/setup.sh puts on the PATH runs this checkout
 * from any folder; the lazily loaded commands keep the usage lines the modules declare; the compiled
 * CLI in dist/ finds the templates and package.json from its own location and emits the same bytes
 * as the sources.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../generator/root.js';
import { COMMANDS, commandsFor, namesOf } from '../../generator/commands/index.js';
import { Ajv } from 'ajv';
import { acceleratorSchema } from '../../generator/config/schema.js';
import { sweepSchema } from '../../generator/sweep/schema.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'axgen-startup-'));
  made.push(d);
  return d;
}

/** The `axgen` that a shell would run: the first one on the PATH, or null. */
function axgenOnPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'axgen');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

const linked = axgenOnPath();
const bin = join(ROOT_DIR, 'bin', 'axgen.js');

describe('starting axgen', () => {
  it.skipIf(linked === null)(
    `the axgen on the PATH runs this checkout's CLI from a folder outside the repository${linked === null ? ' (SKIPPED: no `axgen` on the PATH; scripts/setup.sh links it)' : ''}`,
    async () => {
      expect(
        realpathSync(linked!),
        `${linked} must link to this checkout's bin/axgen.js: run scripts/setup.sh here`,
      ).toBe(realpathSync(bin));
      const cwd = temp();
      const r = await execa('axgen', ['--help'], { cwd, reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout).toMatch(/axgen validate <config>/);
      const v = await execa('axgen', ['validate', join(ROOT_DIR, 'examples/edge-int8.json')], {
        cwd,
        reject: false,
        all: true,
      });
      expect(v.exitCode, v.all).toBe(0);
      expect(v.stdout).toContain('edge_int8 is valid');
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it('lists every command with the usage and description its module declares, and loads only the one named', async () => {
    for (const e of COMMANDS) {
      const real = await e.load();
      expect({ command: real.command, describe: real.describe, aliases: real.aliases }, e.command).toEqual({
        command: e.command,
        describe: e.describe,
        aliases: e.aliases,
      });
    }
    const names = COMMANDS.flatMap(namesOf);
    expect(new Set(names).size).toBe(names.length);
    // `generate validate`: the first command word decides, not a file that happens to be named like a command.
    const mods = await commandsFor(['generate', 'validate', '--out', 'x']);
    expect(mods.filter((m) => m.builder !== undefined).map((m) => m.command)).toEqual(['generate <config>']);
    expect((await commandsFor(['--help'])).every((m) => m.builder === undefined)).toBe(true);
  });

  it('the config and sweep schemas are valid JSON Schema (the CLI skips this check at start-up)', () => {
    const ajv = new Ajv({ discriminator: true, strict: true, strictRequired: false });
    for (const schema of [acceleratorSchema, sweepSchema]) {
      expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    }
    // A control: the check does reject a malformed schema.
    expect(ajv.validateSchema({ type: 'object', properties: { a: { type: 'integr' } } })).toBe(false);
  });

  const built = join(ROOT_DIR, 'dist', 'generator', 'cli.js');
  const current =
    existsSync(built) &&
    ['generator', 'sim'].every((d) =>
      (readdirSync(join(ROOT_DIR, d), { recursive: true }) as string[]).every(
        (f) => !f.endsWith('.ts') || statSync(join(ROOT_DIR, d, f)).mtimeMs <= statSync(built).mtimeMs,
      ),
    );
  it.skipIf(!current)(
    `the compiled CLI (dist/) finds templates and package.json, and generates the same bytes as the sources${current ? '' : ' (SKIPPED: dist/ is missing or older than the sources; npm test builds it)'}`,
    async () => {
      const dir = temp();
      const config = join(ROOT_DIR, 'examples/edge-int8.json');
      const a = await execa(process.execPath, [built, 'generate', config, '--out', join(dir, 'dist')], {
        reject: false,
        all: true,
      });
      expect(a.exitCode, a.all).toBe(0);
      const b = await execa(process.execPath, [bin, 'generate', config, '--out', join(dir, 'src')], {
        reject: false,
        all: true,
        env: { AXGEN_FROM_SOURCE: '1' },
      });
      expect(b.exitCode, b.all).toBe(0);
      const files = readdirSync(join(dir, 'src')).sort();
      expect(files).toContain('manifest.json');
      expect(readdirSync(join(dir, 'dist')).sort()).toEqual(files);
      for (const f of files)
        expect(readFileSync(join(dir, 'dist', f), 'utf8'), f).toBe(readFileSync(join(dir, 'src', f), 'utf8'));
    },
  );
});
