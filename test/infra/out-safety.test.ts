/**
 * Output safety (issue 9, "Output folders"): every command that writes a folder or a report file
 * refuses to replace anything axgen did not write, refuses an empty path, follows the umask, and
 * cleans the temporaries of a killed run. Each case drives the real CLI (`node bin/axgen.js`) in a
 * fresh temporary folder; the refusals come before any tool runs, so no simulator or Yosys run is
 * needed. The rules themselves: generator/infra/write.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  symlinkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cached } from '../../generator/infra/cache.js';
import {
  cleanStaleTemps,
  FORCE_HELP,
  OUT_EXISTING_HELP,
  makeFolders,
  OUTPUT_MARKER,
  writeFolderAtomically,
} from '../../generator/infra/write.js';
import { REPORT_FIELDS, REPORT_KINDS, vcdHeader, writeFileAtomically } from '../../generator/infra/files.js';
import { COMMANDS as COMMAND_ENTRIES } from '../../generator/commands/index.js';
import { inProcess as run } from '../helpers/in-process.js';

const commands = await Promise.all(COMMAND_ENTRIES.map((e) => e.load()));

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'bin/axgen.js');
const ILM = join(root, 'examples/ilm-int8.json');
const SWEEP = join(root, 'examples/sweep-8bit.json');
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `cwd` (optionally under a umask), with its own cache folder. */
function axgen(args: string[], cwd: string, umask?: string): Promise<Run> {
  const [cmd, argv] = umask
    ? ['sh', ['-c', `umask ${umask} && exec "${process.execPath}" "$0" "$@"`, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((done, fail) => {
    const p = spawn(cmd as string, argv as string[], {
      cwd,
      env: { ...process.env, AXGEN_CACHE: join(cwd, '.cache-for-test') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Runs a command in this process (test/helpers/in-process.ts), each with its own cache folder in
 * `cwd`. The cases that need a real process (umask, the binary itself) use `axgen` above.
 */
const inProcess = (args: string[], cwd: string) => run(args, cwd, { cache: join(cwd, '.cache-for-test') });

afterEach(() => {
  process.exitCode = undefined;
});

/** Every path under `dir` with its contents (files) or `/` (folders), for before/after comparison. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    if (rel.startsWith('.cache-for-test')) continue;
    const p = join(dir, rel);
    out[rel] = lstatSync(p).isDirectory() ? '/' : readFileSync(p, 'utf8');
  }
  return out;
}

function fresh(tag: string): string {
  return mkdtempSync(join(tmpdir(), `axgen-out-${tag}-`));
}

/** cleanStaleTemps on `dir`'s interrupted `.o.tmp-…-old`, expecting it moved aside to o.old-1 with a warning. */
async function cleanWarningAside(dir: string): Promise<void> {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await cleanStaleTemps(dir, '.o.tmp-');
    expect(err.mock.calls.flat().join('')).toContain(
      `kept files that appeared or changed in the old output meanwhile: moved to ${join(dir, 'o.old-1')}`,
    );
  } finally {
    err.mockRestore();
  }
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** How each folder-writing command is called with the given `--out` arguments. */
const COMMANDS: Record<string, (out: string[]) => string[]> = {
  generate: (out) => ['generate', ILM, ...out],
  unit: (out) => ['unit', ILM, ...out],
  sweep: (out) => ['sweep', SWEEP, '--no-progress', ...out],
  // Refused before Yosys and nextpnr run.
  fpga: (out) => ['fpga', ILM, '--device', 'up5k', ...out],
  // Refused before the shards are read.
  'sweep-merge': (out) => ['sweep-merge', 'no-such-shard', ...out],
};

/** writeFolderAtomically's options as `axgen generate` passes them. */
const GEN = { command: 'generate' } as const;

const USER_FILES = { 'notes.txt': 'my notes\n', 'sub/thesis.tex': '\\documentclass{article}\n' };

describe('--out of every command that writes a folder', () => {
  it('the --help of each says what --out does to an existing folder and what --force does', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await yargs([name, '--help']).command(commands).exitProcess(false).wrap(null).parseAsync();
        const text = log.mock.calls.flat().join('\n');
        expect(text, name).toContain(`--out`);
        expect(text, name).toContain(OUT_EXISTING_HELP);
        expect(text, name).toContain(FORCE_HELP);
      } finally {
        log.mockRestore();
      }
    }
  });

  for (const [name, cmd] of Object.entries(COMMANDS)) {
    it(`${name} --out '' is a user error and writes nothing`, async () => {
      const cwd = fresh('empty');
      write(cwd, { 'keep.txt': 'x' });
      const before = tree(cwd);
      const r = await inProcess(cmd(['--out', '']), cwd);
      expect(r.code, r.stderr).toBe(1);
      // sweep-merge has no default folder: its --out is required.
      const hint = name === 'sweep-merge' ? '' : ' (omit --out for the default)';
      expect(r.stderr).toContain(`✖ --out: expected a path${hint}, received ""`);
      expect(r.stderr).not.toMatch(/bug in axgen/);
      expect(tree(cwd)).toEqual(before);
    });

    it(`${name} refuses a folder holding notes.txt and sub/thesis.tex, naming it and --force`, async () => {
      const cwd = fresh('user');
      write(join(cwd, 'mine'), USER_FILES);
      const before = tree(cwd);
      const r = await inProcess(cmd(['--out', 'mine']), cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`"${join(cwd, 'mine')}", which holds files axgen did not write`);
      expect(r.stderr).toContain('--force');
      expect(tree(cwd)).toEqual(before);
    });

    it(`${name} --out . in a home-like folder removes nothing`, async () => {
      const home = fresh('home');
      write(home, { '.ssh/id_ed25519': 'secret\n', '.bashrc': 'alias ll=ls\n', 'docs/cv.md': '# cv\n' });
      const before = tree(home);
      for (const force of [[], ['--force']]) {
        const r = await inProcess(cmd(['--out', '.', ...force]), home);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(
          /axgen never replaces the current folder or a folder holding it, not even with --force/,
        );
      }
      expect(tree(home)).toEqual(before);
    });

    it(`${name} --out examples leaves a folder of configs alone`, async () => {
      const repo = fresh('repo');
      write(repo, { 'examples/edge-int8.json': '{"name":"edge"}\n', 'examples/sweep.ts': 'export default {}\n' });
      const before = tree(repo);
      const r = await inProcess(cmd(['--out', 'examples']), repo);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `"${join(repo, 'examples')}", which holds files axgen did not write (edge-int8.json, sweep.ts)`,
      );
      expect(tree(repo)).toEqual(before);
    });

    it(`${name} --out afile.txt keeps the file a file`, async () => {
      const cwd = fresh('file');
      write(cwd, { 'afile.txt': 'precious\n' });
      const r = await inProcess(cmd(['--out', 'afile.txt']), cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('which is a file, not a folder');
      expect(statSync(join(cwd, 'afile.txt')).isFile()).toBe(true);
      expect(readFileSync(join(cwd, 'afile.txt'), 'utf8')).toBe('precious\n');
      const inside = await inProcess(cmd(['--out', 'afile.txt/sub']), cwd);
      expect(inside.code, inside.stderr).toBe(1);
      expect(inside.stderr).toContain(`lies inside "${join(cwd, 'afile.txt')}", which is a file`);
      expect(readFileSync(join(cwd, 'afile.txt'), 'utf8')).toBe('precious\n');
      // Under a file, --force cannot help: the message must not offer it (the trial's bug 3).
      expect(inside.stderr).not.toContain('--force');
    });
  }
});

describe.concurrent('the binary itself (node bin/axgen.js)', () => {
  it("generate --out '' (an unset shell variable) is a user error and writes nothing", async () => {
    const cwd = fresh('bin-empty');
    write(cwd, { 'keep.txt': 'x' });
    const before = tree(cwd);
    const r = await axgen(['generate', ILM, '--out', ''], cwd);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('✖ --out: expected a path (omit --out for the default), received ""');
    expect(tree(cwd)).toEqual(before);
  });

  it('generate --out . in a home-like folder removes nothing', async () => {
    const home = fresh('bin-home');
    write(home, { '.ssh/id_ed25519': 'secret\n', '.bashrc': 'alias ll=ls\n', 'docs/cv.md': '# cv\n' });
    const before = tree(home);
    const r = await axgen(['generate', ILM, '--out', '.', '--force'], home);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/axgen never replaces the current folder or a folder holding it, not even with --force/);
    expect(tree(home)).toEqual(before);
  });

  it('generate: regenerating into its own folder works, files follow umask 022, a user file then blocks it, --force moves it aside', async () => {
    const cwd = fresh('regen');
    // The second run replaces the folder the first wrote.
    for (let i = 0; i < 2; i++) {
      const r = await axgen(['generate', ILM, '--out', 'g'], cwd, '022');
      expect(r.code, r.stderr).toBe(0);
    }
    const g = join(cwd, 'g');
    expect(statSync(g).mode & 0o777).toBe(0o755);
    const names = readdirSync(g);
    expect(names).toContain(OUTPUT_MARKER);
    for (const n of names) expect(statSync(join(g, n)).mode & 0o777, n).toBe(0o644);
    const marker = JSON.parse(readFileSync(join(g, OUTPUT_MARKER), 'utf8')) as { writtenBy: string; files: string[] };
    expect(marker.writtenBy).toBe('axgen');
    expect([...marker.files, OUTPUT_MARKER].sort()).toEqual([...names].sort());
    // Only the output itself is left: no temporary beside or inside it.
    expect(readdirSync(cwd).filter((n) => !n.startsWith('.cache-for-test'))).toEqual(['g']);

    const generated = tree(g);
    write(g, { 'notes.txt': 'mine\n' });
    const refused = await inProcess(['generate', ILM, '--out', 'g'], cwd);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('holds files axgen did not write there (notes.txt)');
    expect(readFileSync(join(g, 'notes.txt'), 'utf8')).toBe('mine\n');
    // Many such files: three named (sorted), the rest counted, every one of them.
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`z${i}.txt`, 'x\n']));
    write(g, many);
    const counted = await inProcess(['generate', ILM, '--out', 'g'], cwd);
    expect(counted.code, counted.stderr).toBe(1);
    expect(counted.stderr).toContain('holds files axgen did not write there (notes.txt, z0.txt, z1.txt, and 7 more)');
    for (const f of Object.keys(many)) rmSync(join(g, f));

    const forced = await inProcess(['generate', ILM, '--out', 'g', '--force'], cwd);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`moved the existing ${g} aside to ${g}.old-1 (--force)`);
    expect(tree(`${g}.old-1`)).toEqual({ ...generated, 'notes.txt': 'mine\n' });
    expect(tree(g)).toEqual(generated);
  });

  it('unit: modes follow umask 027, and regenerating into its own folder works', async () => {
    const cwd = fresh('unit');
    const r = await axgen(['unit', ILM, '--out', 'u'], cwd, '027');
    expect(r.code, r.stderr).toBe(0);
    const u = join(cwd, 'u');
    expect(statSync(u).mode & 0o777).toBe(0o750);
    for (const n of readdirSync(u)) expect(statSync(join(u, n)).mode & 0o777, n).toBe(0o640);
    expect(readdirSync(u)).toContain('files.f');
    const again = await inProcess(['unit', ILM, '--out', 'u'], cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(u)).toContain('files.f');
  });
});

describe('the rules in process', () => {
  it('an empty folder is replaced; a folder of an earlier axgen (manifest.json, no marker) is replaced', async () => {
    const cwd = fresh('legacy');
    mkdirSync(join(cwd, 'empty'));
    write(join(cwd, 'old'), {
      'manifest.json': JSON.stringify({ generatorVersion: '0.0.9', files: ['x_top.v'] }),
      'x_top.v': '//\n',
      'files.f': 'x_top.v\n',
    });
    const [a, b] = await [
      await inProcess(['generate', ILM, '--out', 'empty'], cwd),
      await inProcess(['generate', ILM, '--out', 'old'], cwd),
    ];
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(cwd, 'old', 'x_top.v'))).toBe(false);
    expect(existsSync(join(cwd, 'old', OUTPUT_MARKER))).toBe(true);
  });

  it("the temporaries of a killed run beside the output are removed on the next run; nobody else's files are", async () => {
    const cwd = fresh('stale');
    const dead = spawnSync('true').pid!;
    const stale = `.g.tmp-${HOST}-${dead}-0123abcd`;
    const live = `.g.tmp-${HOST}-${process.pid}-0123abcd`;
    write(cwd, {
      [`${stale}/.axgen-tmp`]: `${dead}\n`,
      [`${stale}/g_top.v`]: '// half written\n',
      [`${live}/.axgen-tmp`]: `${process.pid}\n`,
      // Same name pattern, but not an axgen temporary (no marker): kept.
      [`.g.tmp-${HOST}-${dead}-fedc9876/mine.txt`]: 'mine\n',
      '.g.tmp-notes': 'mine\n',
    });
    const r = await inProcess(['generate', ILM, '--out', 'g'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(
      readdirSync(cwd)
        .filter((n) => !n.startsWith('.cache-for-test'))
        .sort(),
    ).toEqual(['.g.tmp-notes', `.g.tmp-${HOST}-${dead}-fedc9876`, live, 'g'].sort());
  });

  it('a folder axgen wrote with a file added since is refused; one of its files removed is still replaced', async () => {
    const dir = fresh('inproc');
    const out = join(dir, 'o');
    await writeFolderAtomically(
      out,
      [
        { name: 'a.v', text: 'a\n' },
        { name: 'b.v', text: 'b\n' },
      ],
      GEN,
    );
    writeFileSync(join(out, 'extra.v'), 'mine\n');
    await expect(writeFolderAtomically(out, [{ name: 'c.v', text: 'c\n' }], GEN)).rejects.toThrow(
      /holds files axgen did not write there \(extra\.v\)/,
    );
    expect(readFileSync(join(out, 'extra.v'), 'utf8')).toBe('mine\n');
    await writeFolderAtomically(join(dir, 'p'), [{ name: 'a.v', text: 'a\n' }], GEN);
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'p', 'a.v'));
    await writeFolderAtomically(join(dir, 'p'), [{ name: 'c.v', text: 'c\n' }], GEN);
    expect(readdirSync(join(dir, 'p')).sort()).toEqual([OUTPUT_MARKER, 'c.v']);
  });

  it('the cache removes a killed build of this machine, keeps a live one and files that are not its temporaries', async () => {
    const cache = fresh('cache');
    const prev = process.env.AXGEN_CACHE;
    process.env.AXGEN_CACHE = cache;
    try {
      const dead = spawnSync('true').pid!;
      const kind = join(cache, 'k');
      write(kind, {
        [`.tmp-${HOST}-${dead}-00000000/.axgen-tmp`]: '',
        [`.tmp-${HOST}-${process.pid}-00000000/.axgen-tmp`]: '',
        [`.tmp-${'f'.repeat(6)}-${dead}-00000000/.axgen-tmp`]: '',
        'README.txt': 'mine\n',
      });
      const e = await cached('k', 'a'.repeat(64), async (d) => writeFileSync(join(d, 'x'), 'x'));
      expect(e.hit).toBe(false);
      expect(readdirSync(kind).sort()).toEqual(
        [
          `.tmp-${HOST}-${process.pid}-00000000`,
          `.tmp-${'f'.repeat(6)}-${dead}-00000000`,
          'README.txt',
          relative(kind, e.dir),
        ].sort(),
      );
      // The entry itself carries no temporary marker.
      expect(readdirSync(e.dir).sort()).toEqual(['.complete', 'x']);
    } finally {
      if (prev === undefined) delete process.env.AXGEN_CACHE;
      else process.env.AXGEN_CACHE = prev;
    }
  });

  it('cleanStaleTemps removes from an interrupted replacement only the files its marker lists', async () => {
    const dir = fresh('old');
    const dead = spawnSync('true').pid!;
    const old = `.o.tmp-${HOST}-${dead}-00000000-old`;
    write(join(dir, old), {
      [OUTPUT_MARKER]: JSON.stringify({ writtenBy: 'axgen', files: ['a.v'] }),
      'a.v': 'a\n',
      'mine.txt': 'mine\n',
    });
    await cleanWarningAside(dir);
    expect(tree(dir)).toEqual({ 'o.old-1': '/', 'o.old-1/mine.txt': 'mine\n' });
  });

  it("no JSON report kind's fields are all among another kind's (a report recognised by one kind only)", () => {
    for (const [kind, fields] of Object.entries(REPORT_FIELDS)) {
      const report = JSON.stringify(Object.fromEntries(fields.map((f) => [f, 1])));
      const claimed = Object.entries(REPORT_KINDS)
        .filter(([, is]) => is(report))
        .map(([k]) => k);
      expect(claimed, kind).toEqual([kind]);
    }
  });

  it('an accuracy report given as a metrics --json is refused (axgen once overwrote it)', async () => {
    const f = join(fresh('kinds'), 'acc.json');
    const text = JSON.stringify(Object.fromEntries(REPORT_FIELDS.accuracy.map((k) => [k, 1])));
    writeFileSync(f, text);
    await expect(writeFileAtomically(f, '{}\n', { arg: '--json', kind: 'metrics' })).rejects.toThrow(
      /exists and is an axgen accuracy report, not an axgen metrics report/,
    );
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('report kinds recognise what axgen writes and nothing else', () => {
    expect(
      REPORT_KINDS.junit('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="axgen regress" tests="1">'),
    ).toBe(true);
    expect(REPORT_KINDS.junit('<?xml version="1.0"?>\n<project/>')).toBe(false);
    const metrics = { generatorVersion: '0.1.0', config: 'x', configHash: 'ab', samples: 65536, mrePct: 3.8, wce: 9 };
    expect(REPORT_KINDS.metrics(JSON.stringify(metrics))).toBe(true);
    expect(REPORT_KINDS.metrics(JSON.stringify({ config: 'x' }))).toBe(false);
    // An accuracy report has a metrics report's identity fields (generatorVersion, config, configHash)
    // but none of its figures: it is not a metrics report (axgen metrics --json once replaced one).
    const accuracy = Object.fromEntries(REPORT_FIELDS.accuracy.map((f) => [f, 1]));
    expect(REPORT_KINDS.metrics(JSON.stringify(accuracy))).toBe(false);
    expect(REPORT_KINDS.wave(`${vcdHeader()}$date\n  today\n$end\n`)).toBe(true);
    // A VCD a simulator or a user wrote has no axgen mark: it is not axgen's to overwrite.
    expect(REPORT_KINDS.wave('$date\n  today\n$end\n')).toBe(false);
    expect(REPORT_KINDS.wave('$comment my own trace $end\n$date today $end\n')).toBe(false);
    expect(REPORT_KINDS.wave('my notes')).toBe(false);
  });
});

/** The marker of a folder as JSON. */
function marker(dir: string): { command?: string; files: string[]; sha256?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')) as ReturnType<typeof marker>;
}

describe('a folder edited since axgen wrote it, or written by another command (new-user trial)', () => {
  it('generate records its command and the sha256 of every file; regenerating over a hand-edited file is refused, --force moves the folder aside', async () => {
    const cwd = fresh('edited');
    const first = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(first.code, first.stderr).toBe(0);
    const g = join(cwd, 'gen1');
    const m = marker(g);
    expect(m.command).toBe('generate');
    expect(Object.keys(m.sha256!).sort()).toEqual([...m.files].sort());
    for (const f of m.files)
      expect(m.sha256![f], f).toBe(
        createHash('sha256')
          .update(readFileSync(join(g, f)))
          .digest('hex'),
      );
    const generated = tree(g);

    const add = join(g, 'edge_ilm_acc_add.v');
    writeFileSync(add, readFileSync(add, 'utf8') + '// my fix\n');
    const before = tree(cwd);
    const r = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      '✖ --out: expected a new or empty folder, or one axgen generate wrote (unchanged since)',
    );
    expect(r.stderr).toContain(`add --force to move the existing one aside to ${g}.old-<n>`);
    expect(r.stderr).toContain(`received "${g}", which holds files edited since axgen wrote them (edge_ilm_acc_add.v)`);
    expect(tree(cwd)).toEqual(before);

    const forced = await inProcess(['generate', ILM, '--out', 'gen1', '--force'], cwd);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`moved the existing ${g} aside to ${g}.old-1 (--force)`);
    expect(readFileSync(join(`${g}.old-1`, 'edge_ilm_acc_add.v'), 'utf8')).toMatch(/\/\/ my fix\n$/);
    expect(tree(g)).toEqual(generated);
  });

  it('every command checks the hashes: an edited sweep results file is refused; a listed file removed is not an edit', async () => {
    const dir = fresh('edited-sweep');
    const out = join(dir, 's');
    const SWEEP_OUT = { command: 'sweep' } as const;
    await writeFolderAtomically(
      out,
      [
        { name: 'results.csv', text: 'a,b\n1,2\n' },
        { name: 'report.md', text: '# r\n' },
      ],
      SWEEP_OUT,
    );
    expect(marker(out).command).toBe('sweep');
    writeFileSync(join(out, 'results.csv'), 'a,b\n1,2\n# checked by hand\n');
    const before = tree(dir);
    await expect(writeFolderAtomically(out, [{ name: 'results.csv', text: 'x\n' }], SWEEP_OUT)).rejects.toThrow(
      /--out: expected a new or empty folder, or one axgen sweep wrote \(unchanged since\).*received ".*\/s", which holds files edited since axgen wrote them \(results\.csv\)/,
    );
    expect(tree(dir)).toEqual(before);
    const { rmSync } = await import('node:fs');
    rmSync(join(out, 'results.csv'));
    await writeFolderAtomically(out, [{ name: 'results.csv', text: 'x\n' }], SWEEP_OUT);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe('x\n');
  });

  it('a marker of an earlier version (no command, no hashes) keeps the old rule: an edited file is replaced, any command may write', async () => {
    const dir = fresh('old-marker');
    const out = join(dir, 'o');
    await writeFolderAtomically(out, [{ name: 'a.v', text: 'a\n' }], GEN);
    const { files } = marker(out);
    writeFileSync(join(out, OUTPUT_MARKER), JSON.stringify({ writtenBy: 'axgen', generatorVersion: '0.1.0', files }));
    writeFileSync(join(out, 'a.v'), 'a edited\n');
    await writeFolderAtomically(out, [{ name: 'results.csv', text: 'x\n' }], { command: 'sweep' });
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'results.csv']);
    expect(marker(out).command).toBe('sweep');
  });

  it("an earlier version's generate folder (marker without hashes): RTL edited since, by manifest.json's rtlHash, is refused", async () => {
    const cwd = fresh('old-gen');
    const first = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(first.code, first.stderr).toBe(0);
    const g = join(cwd, 'gen1');
    const { files } = marker(g);
    writeFileSync(join(g, OUTPUT_MARKER), JSON.stringify({ writtenBy: 'axgen', generatorVersion: '0.1.0', files }));
    // Unedited: replaced as before.
    const again = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(again.code, again.stderr).toBe(0);
    writeFileSync(join(g, OUTPUT_MARKER), JSON.stringify({ writtenBy: 'axgen', generatorVersion: '0.1.0', files }));
    const add = join(g, 'edge_ilm_acc_add.v');
    writeFileSync(add, readFileSync(add, 'utf8') + '// my fix\n');
    const before = tree(cwd);
    const r = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `received "${g}", which holds RTL edited since axgen wrote it, or with a listed file missing (it does not give manifest.json's rtlHash)`,
    );
    expect(tree(cwd)).toEqual(before);
  });

  it('a folder from before markers: another command is refused; a generate folder with a file deleted and another edited is refused', async () => {
    const cwd = fresh('no-marker');
    expect((await inProcess(['generate', ILM, '--out', 'gen1'], cwd)).code).toBe(0);
    const g = join(cwd, 'gen1');
    const { files } = marker(g);
    rmSync(join(g, OUTPUT_MARKER));
    const before = tree(cwd);
    const unit = await inProcess(['unit', ILM, '--out', 'gen1'], cwd);
    expect(unit.code, unit.stderr).toBe(1);
    expect(unit.stderr).toContain('which exists and is a folder axgen generate wrote, not one axgen unit writes');
    expect(tree(cwd)).toEqual(before);
    // One listed .v deleted, another edited: the rtlHash cannot vouch for the rest.
    const v = files.filter((f) => f.endsWith('.v'));
    rmSync(join(g, v[0]!));
    writeFileSync(join(g, v[1]!), readFileSync(join(g, v[1]!), 'utf8') + '// mine\n');
    const edited = tree(cwd);
    const again = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain('or with a listed file missing');
    expect(tree(cwd)).toEqual(edited);
  });

  it('a listed file edited between the check and the removal of the old folder is kept (moved aside with a warning)', async () => {
    const dir = fresh('edited-old');
    const dead = spawnSync('true').pid!;
    const old = join(dir, `.o.tmp-${HOST}-${dead}-00000000-old`);
    await writeFolderAtomically(
      old,
      [
        { name: 'a.v', text: 'a\n' },
        { name: 'b.v', text: 'b\n' },
      ],
      GEN,
    );
    writeFileSync(join(old, 'b.v'), 'b edited\n');
    await cleanWarningAside(dir);
    expect(tree(dir)).toEqual({ 'o.old-1': '/', 'o.old-1/b.v': 'b edited\n' });
  });

  for (const [name, cmd] of Object.entries(COMMANDS).filter(([n]) => n !== 'generate')) {
    it(`${name} --out refuses a folder axgen generate wrote, before any work, and leaves it as it was`, async () => {
      const cwd = fresh('other-cmd');
      const g = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
      expect(g.code, g.stderr).toBe(0);
      const before = tree(cwd);
      const r = await inProcess(cmd(['--out', 'gen1']), cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `✖ --out: expected a new or empty folder, or one axgen ${name} wrote (unchanged since); name another folder, or add --force to move the existing one aside to ${join(cwd, 'gen1')}.old-<n>, received "${join(cwd, 'gen1')}", which exists and is a folder axgen generate wrote, not one axgen ${name} writes`,
      );
      expect(r.stdout).not.toContain('✔');
      expect(tree(cwd)).toEqual(before);
    });
  }

  it('generate refuses a folder fpga wrote (it holds the same RTL, and a bitstream); unit --force moves a generate folder aside', async () => {
    const cwd = fresh('fpga-folder');
    const f = join(cwd, 'f');
    await writeFolderAtomically(
      f,
      [
        { name: 'edge_ilm_top.v', text: 'module edge_ilm_top; endmodule\n' },
        { name: 'edge_ilm.bin', text: 'bitstream' },
      ],
      { command: 'fpga' },
    );
    const before = tree(cwd);
    const r = await inProcess(['generate', ILM, '--out', 'f'], cwd);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`"${f}", which exists and is a folder axgen fpga wrote, not one axgen generate writes`);
    expect(tree(cwd)).toEqual(before);

    const g = await inProcess(['generate', ILM, '--out', 'gen1'], cwd);
    expect(g.code, g.stderr).toBe(0);
    const generated = tree(join(cwd, 'gen1'));
    const u = await inProcess(['unit', ILM, '--out', 'gen1', '--force'], cwd);
    expect(u.code, u.stderr).toBe(0);
    expect(tree(join(cwd, 'gen1.old-1'))).toEqual(generated);
    expect(marker(join(cwd, 'gen1')).command).toBe('unit');
  });

  it('--out under a regular file says the parent is a file and offers no --force, with or without it', async () => {
    const cwd = fresh('under-file');
    write(cwd, { 'userfile.txt': 'mine\n' });
    const before = tree(cwd);
    for (const out of ['userfile.txt/sub', 'userfile.txt/a/b'])
      for (const force of [[], ['--force']]) {
        const r = await inProcess(['generate', ILM, '--out', out, ...force], cwd);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(
          `✖ --out: expected a path under a folder, not under a file, received "${join(cwd, out)}", which lies inside "${join(cwd, 'userfile.txt')}", which is a file`,
        );
        expect(r.stderr).not.toContain('.old-<n>');
      }
    expect(tree(cwd)).toEqual(before);
  });
});

describe('report files (--json, --junit) are never overwritten unless axgen wrote them', () => {
  const NOTES = JSON.stringify({ mine: true }) + '\n';

  // Each refusal names what the command writes there.
  const WHAT: Record<string, string> = {
    'metrics --json': 'an axgen metrics report',
    'fpga --json': 'an axgen fpga report',
    'sim --json': 'an axgen sim report',
    'regress --junit': "axgen regress's JUnit XML",
    'synth --json': 'an axgen synth report',
    'sim --wave': 'a VCD axgen wrote',
  };
  for (const [name, args] of Object.entries({
    'metrics --json': ['metrics', ILM, '--json', 'user.json'],
    'fpga --json': ['fpga', ILM, '--device', 'up5k', '--out', 'f', '--json', 'user.json'],
    'sim --json': ['sim', ILM, '--simulator', 'icarus', '--json', 'user.json'],
    'regress --junit': ['regress', '--only', 'nothing', '--junit', 'user.json'],
    'synth --json': ['synth', ILM, '--json', 'user.json'],
    'sim --wave': ['sim', ILM, '--simulator', 'icarus', '--wave', 'user.json'],
  })) {
    it(`${name} refuses an existing file axgen did not write`, async () => {
      const cwd = fresh('report');
      write(cwd, { 'user.json': NOTES });
      const before = tree(cwd);
      const r = await inProcess(args, cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`"${join(cwd, 'user.json')}", which exists and is not ${WHAT[name]}`);
      expect(r.stderr).toContain(`or ${WHAT[name]} there`);
      expect(r.stderr).toContain('--force');
      expect(tree(cwd)).toEqual(before);
    });
  }

  it('a report of another kind is refused as what it is, not as a file axgen did not write', async () => {
    const cwd = fresh('other-kind');
    const metrics =
      JSON.stringify({ generatorVersion: '0.1.0', config: 'x', configHash: 'ab', samples: 1, mrePct: 1, wce: 1 }) +
      '\n';
    write(cwd, { 'm.json': metrics });
    const before = tree(cwd);
    const sim = await inProcess(['sim', ILM, '--simulator', 'icarus', '--json', 'm.json'], cwd);
    expect(sim.code, sim.stderr).toBe(1);
    expect(sim.stderr).toContain(
      `"${join(cwd, 'm.json')}", which exists and is an axgen metrics report, not an axgen sim report`,
    );
    expect(sim.stderr).toContain('--force');
    const junit = await inProcess(['regress', '--only', 'nothing', '--junit', 'm.json'], cwd);
    expect(junit.code, junit.stderr).toBe(1);
    expect(junit.stderr).toContain("which exists and is an axgen metrics report, not axgen regress's JUnit XML");
    expect(tree(cwd)).toEqual(before);
  });

  it('two outputs of one command on the same file are refused before any work (sim --wave/--json, regress --junit/--json)', async () => {
    const cwd = fresh('same');
    const before = tree(cwd);
    for (const [args, arg] of [
      [['sim', ILM, '--simulator', 'icarus', '--wave', 'x.vcd', '--json', 'x.vcd'], '--wave'],
      [['sim', ILM, '--wave', 'q', '--json', 'q.icarus.vcd'], '--wave'],
      [['regress', '--only', 'nothing', '--junit', 'r.xml', '--json', 'r.xml'], '--json'],
    ] as const) {
      const r = await inProcess([...args], cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${arg}: expected a file other than the one`);
      expect(r.stdout).not.toContain('seed');
    }
    expect(tree(cwd)).toEqual(before);
  });

  it('fpga --json is neither its --out folder nor inside it (the folder is replaced whole), refused before any tool runs', async () => {
    const cwd = fresh('fpga-json');
    const before = tree(cwd);
    for (const [json, expected] of [
      ['f', 'a file other than the one --out writes'],
      ['f/r.json', 'a path outside the folder --out writes (axgen replaces that folder whole)'],
    ] as const) {
      const r = await inProcess(['fpga', ILM, '--device', 'up5k', '--out', 'f', '--json', json], cwd);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`--json: expected ${expected}`);
      expect(r.stdout).not.toMatch(/gate-level|synthesis/);
    }
    expect(tree(cwd)).toEqual(before);
  });

  it("sim --wave refuses a VCD axgen did not write (a simulator's or the user's own) before simulating", async () => {
    const cwd = fresh('wave');
    const mine = '$date\n  Sat Dec  5 2026\n$end\n$version\n  Icarus Verilog\n$end\n$timescale\n  1s\n$end\n';
    write(cwd, { 'mine.vcd': mine });
    const before = tree(cwd);
    const r = await inProcess(['sim', ILM, '--simulator', 'icarus', '--wave', 'mine.vcd'], cwd);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`"${join(cwd, 'mine.vcd')}", which exists and is not a VCD axgen wrote`);
    expect(r.stderr).toContain('a new file, or a VCD axgen wrote there');
    expect(r.stderr).toContain('--force');
    expect(r.stdout).not.toContain('seed');
    expect(tree(cwd)).toEqual(before);
  });

  it('metrics --json rewrites its own report and, with --force, moves a user file aside', async () => {
    const cwd = fresh('metrics');
    write(cwd, { 'user.json': NOTES });
    for (const f of ['m.json', 'm.json']) {
      const r = await inProcess(['metrics', ILM, '--json', f], cwd);
      expect(r.code, r.stderr).toBe(0);
    }
    const forced = await inProcess(['metrics', ILM, '--json', 'user.json', '--force'], cwd);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'user.json.old-1'), 'utf8')).toBe(NOTES);
    expect(readFileSync(join(cwd, 'user.json'), 'utf8')).toBe(readFileSync(join(cwd, 'm.json'), 'utf8'));
    expect(
      readdirSync(cwd)
        .filter((n) => !n.startsWith('.cache-for-test'))
        .sort(),
    ).toEqual(['m.json', 'user.json', 'user.json.old-1']);
  });
});

/**
 * Every output path argument of every command (`--out`, `--json`, `--junit`, `--wave`), as called
 * with `path` there; the other arguments are just enough to reach the command's up-front checks.
 */
const OUTPUT_PATHS: Record<string, (path: string) => string[]> = {
  'generate --out': (p) => ['generate', ILM, '--out', p],
  'unit --out': (p) => ['unit', ILM, '--out', p],
  'sweep --out': (p) => ['sweep', SWEEP, '--no-progress', '--out', p],
  'sweep-merge --out': (p) => ['sweep-merge', 'no-such-shard', '--out', p],
  'fpga --out': (p) => ['fpga', ILM, '--device', 'up5k', '--out', p],
  // The trial's case: the --out folder is fine, the --json file is not; neither may be written.
  'fpga --json': (p) => ['fpga', ILM, '--device', 'up5k', '--out', 'f', '--json', p],
  'sim --json': (p) => ['sim', ILM, '--simulator', 'icarus', '--json', p],
  'sim --wave': (p) => ['sim', ILM, '--simulator', 'icarus', '--wave', p],
  'regress --junit': (p) => ['regress', '--only', 'nothing', '--junit', p],
  'regress --json': (p) => ['regress', '--only', 'nothing', '--json', p],
  'synth --json': (p) => ['synth', ILM, '--json', p],
  'metrics --json': (p) => ['metrics', ILM, '--json', p],
  'infer --json': (p) => ['infer', ILM, '--model', 'no-such.onnx', '--input', 'no-such.npy', '--json', p],
  'quantize --out': (p) => ['quantize', 'no-such.onnx', '--dataset', 'fashion-mnist', '--out', p],
  'accuracy --json': (p) => ['accuracy', ILM, '--model', 'no-such.onnx', '--dataset', 'fashion-mnist', '--json', p],
  'export-lut --out': (p) => ['export-lut', ILM, '--out', p],
};

/** `<command> --<option>` for every string option named out, json, junit or wave that a command's builder declares. */
async function declaredOutputPaths(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of COMMAND_ENTRIES) {
    const mod = await entry.load();
    const name = String(mod.command).split(' ')[0]!;
    const y: unknown = new Proxy(
      {},
      {
        get:
          (_t, method) =>
          (opt: unknown, spec?: { type?: string }): unknown => {
            if (
              method === 'option' &&
              ['out', 'json', 'junit', 'wave'].includes(String(opt)) &&
              spec?.type === 'string'
            )
              found.push(`${name} --${String(opt)}`);
            return y;
          },
      },
    );
    (mod.builder as (y: unknown) => unknown)(y);
  }
  return found.sort();
}

describe('every output path is checked before any work', () => {
  it('the table below names every output path option of every command', async () => {
    expect(await declaredOutputPaths()).toEqual(Object.keys(OUTPUT_PATHS).sort());
  });

  for (const [name, cmd] of Object.entries(OUTPUT_PATHS)) {
    it(`${name} '' (an unset shell variable) is a user error that says what omitting it does`, async () => {
      const cwd = fresh('blank');
      const r = await inProcess(cmd(''), cwd);
      expect(r.code, r.stderr).toBe(1);
      const arg = name.split(' ')[1]!;
      // Only --out has a default path (sweep-merge's is required); a report or a VCD is written only when asked for.
      const hint =
        name === 'sweep-merge --out'
          ? ''
          : arg === '--out'
            ? ' (omit --out for the default)'
            : ` (omit ${arg} to write none)`;
      expect(r.stderr).toContain(`✖ ${arg}: expected a path${hint}, received ""`);
      expect(readdirSync(cwd).filter((n) => !n.startsWith('.cache-for-test'))).toEqual([]);
    });

    const file = name.endsWith('--out') && !/^(quantize|export-lut)/.test(name) ? 'out' : 'r.json';
    it(`${name} under /proc (cannot be created) or inside a file: exit 1 naming it, nothing written`, async () => {
      const cwd = fresh('unwritable');
      write(cwd, { 'notes.txt': 'mine\n' });
      const before = tree(cwd);
      const proc = await inProcess(cmd(`/proc/axgen-no-such/${file}`), cwd);
      expect(proc.code, proc.stderr + proc.stdout).toBe(1);
      expect(proc.stderr).toContain(`✖ ${name.split(' ')[1]}:`);
      expect(proc.stderr).toContain(
        `"/proc/axgen-no-such/${file}", which cannot be written: creating a file in "/proc" fails: no such file or folder (ENOENT)`,
      );
      expect(proc.stdout).not.toMatch(/seed|✔/);
      expect(tree(cwd)).toEqual(before);
      const inFile = await inProcess(cmd(`notes.txt/${file}`), cwd);
      expect(inFile.code, inFile.stderr).toBe(1);
      expect(inFile.stderr).toContain(`lies inside "${join(cwd, 'notes.txt')}", which is a file`);
      expect(tree(cwd)).toEqual(before);
    });
  }
});

describe('makeFolders', () => {
  it('creates missing parents one level at a time', async () => {
    const base = mkdtempSync(join(tmpdir(), 'axgen-mk-'));
    await makeFolders(join(base, 'a', 'b', 'c'));
    expect(existsSync(join(base, 'a', 'b', 'c'))).toBe(true);
    await makeFolders(join(base, 'a', 'b', 'c')); // already there: nothing to do
  });
  it('fails at once under /proc, where Node 20 recursive mkdir never returns', async () => {
    const t0 = performance.now();
    await expect(makeFolders('/proc/axgen-no-such/x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(performance.now() - t0).toBeLessThan(5000);
  });
  it('the cache folder (AXGEN_CACHE, a user path) is made one level at a time too: refused at once under /proc', async () => {
    const cache = process.env.AXGEN_CACHE;
    process.env.AXGEN_CACHE = '/proc/axgen-no-such-cache';
    try {
      const t0 = performance.now();
      await expect(cached('test', 'k', async () => undefined)).rejects.toThrow(
        /AXGEN_CACHE: .*received "\/proc\/axgen-no-such-cache", which cannot be created: .*\(ENOENT\)/,
      );
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      if (cache === undefined) delete process.env.AXGEN_CACHE;
      else process.env.AXGEN_CACHE = cache;
    }
  });
});

describe('an output path that is a link, device or pipe', () => {
  it('is refused even with --force, and never moved aside', async () => {
    const base = mkdtempSync(join(tmpdir(), 'axgen-link-'));
    const link = join(base, 'out.json');
    symlinkSync('/dev/null', link);
    await expect(writeFileAtomically(link, '{}\n', { arg: '--json', force: true, kind: 'metrics' })).rejects.toThrow(
      /a path to a regular file/,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(base)).toEqual(['out.json']);
  });
});
