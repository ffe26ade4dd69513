/**
 * Exit codes by kind, from the command line: user and environment errors exit 1 or 2 with one
 * line saying what, where and what to do; exit 3 only for a real internal error (the runAxgen
 * helper fails any exit 3 a test did not declare). One end-to-end run per kind; the variants of
 * each kind are checked in-process in errors.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AXGEN_BIN, ROOT, runAxgen } from '../helpers/cli.js';

let dir: string;
/** A tiny config: cheap to generate, simulate and synthesize. */
const tiny = {
  name: 'tiny_exit',
  array: { rows: 1, cols: 2, maxK: 8, accDepth: 4 },
  precision: {
    activation: { bits: 2, signed: false },
    weight: { bits: 2, signed: false },
    accumulator: { overflow: 'wrap' },
  },
  multiplier: { kind: 'exact' },
};
let cfg: string;
let rtl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'axgen-exits-'));
  cfg = join(dir, 'tiny.json');
  writeFileSync(cfg, JSON.stringify(tiny));
  rtl = join(dir, 'rtl');
  const g = await runAxgen(['generate', cfg, '--out', rtl]);
  expect(g.exitCode, g.all).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No stack trace, no data: URL, no "bug in axgen" in a user-facing error. */
function userFacing(all: string): void {
  expect(all).not.toMatch(/data:text|This is a bug in axgen|^\s+at /m);
}

describe('config files that are not configs', () => {
  it('a .ts config that throws: exit 1 with the thrown message and the file', async () => {
    const f = join(dir, 'throws.ts');
    writeFileSync(
      f,
      'const rows = 4;\nif (rows > 2) throw new Error("rows must be at most 2 here");\nexport default { name: "x" };\n',
    );
    const r = await runAxgen(['validate', f]);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toContain('rows must be at most 2 here');
    expect(r.stderr).toContain(f);
    userFacing(r.all);
  });

  it('a .ts config holding a function (`mitchell` for `mitchell()`): exit 1 naming the field, not an internal error', async () => {
    const f = join(dir, 'forgotcall.ts');
    writeFileSync(
      f,
      `import { mitchell } from ${JSON.stringify(join(ROOT, 'generator', 'dsl.js'))};\nexport default { ...${JSON.stringify(tiny)}, multiplier: mitchell };\n`,
    );
    const out = join(dir, 'forgotcall-out');
    const r = await runAxgen(['generate', f, '--out', out]);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toMatch(/^✖ multiplier: expected .* \(call the unit: mitchell\(\)\), received a function$/m);
    expect(r.stderr).toContain('Nothing was written.');
    expect(existsSync(out)).toBe(false);
    userFacing(r.all);
  });

  it('a folder given as the config: exit 1 saying it is a folder', async () => {
    for (const name of ['dir.json']) {
      mkdirSync(join(dir, name));
      const r = await runAxgen(['validate', join(dir, name)]);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.stderr).toMatch(/expected a \.ts or \.json config file, received a folder/);
      userFacing(r.all);
    }
  });
});

describe('arguments yargs refuses', () => {
  it("an unknown option: exit 1 naming it and the command's own help; no command: exit 1 naming the top-level help", async () => {
    const r = await runAxgen(['sim', 'x.json', '--sead', '3']);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr.trimEnd()).toBe(
      '✖ Unknown argument: sead (did you mean --seed?)\nNothing was written. Run `axgen sim --help` for its options.',
    );
    // A kebab-case option once, as typed (yargs lists it in camel case too).
    const kebab = await runAxgen(['sim', 'x.json', '--bogus-option', '3']);
    expect(kebab.stderr).toMatch(/^✖ Unknown argument: bogus-option$/m);
    // An option typo: the closest option; a required option mistyped: said so.
    const outt = await runAxgen(['generate', 'x.json', '--outt', 'y']);
    expect(outt.stderr).toMatch(/^✖ Unknown argument: outt \(did you mean --out\?\)$/m);
    const devic = await runAxgen(['fpga', 'x.json', '--devic', 'hx8k']);
    expect(devic.exitCode, devic.all).toBe(1);
    expect(devic.stderr).toMatch(
      /^✖ Missing required argument: device \(--devic is no option of axgen fpga: did you mean --device\?\)$/m,
    );
    // A flag given a value it would read as false.
    const yes = await runAxgen(['generate', 'x.json', '--force=yes']);
    expect(yes.exitCode, yes.all).toBe(1);
    expect(yes.stderr).toMatch(
      /^✖ --force: expected the flag alone \(--force, --no-force\) or =true \/ =false, received "yes"$/m,
    );
    // A value after a flag (validate prints its JSON on stdout and takes no file).
    const value = await runAxgen(['validate', 'x.json', '--json', 'out.json']);
    expect(value.exitCode, value.all).toBe(1);
    expect(value.stderr).toMatch(/^✖ Unknown argument: out\.json \(--json is a flag and takes no value\)$/m);
    const typo = await runAxgen(['frob']);
    expect(typo.exitCode, typo.all).toBe(1);
    expect(typo.stderr).toMatch(/^✖ unknown command "frob": did you mean "fpga"\?$/m);
    const bare = await runAxgen(['generate']);
    expect(bare.exitCode, bare.all).toBe(1);
    expect(bare.stderr).toMatch(/^✖ axgen generate <config>: expected <config>, received nothing$/m);
    const none = await runAxgen([]);
    expect(none.exitCode, none.all).toBe(1);
    expect(none.stderr.trimEnd()).toMatch(/Run `axgen --help` for usage\.$/);
  });
});

describe('output paths the system refuses', () => {
  it('--out under a regular file (ENOTDIR) and in /proc (ENOENT): exit 1 naming --out, nothing written', async () => {
    const file = join(dir, 'afile');
    writeFileSync(file, 'keep me\n');
    const a = await runAxgen(['generate', cfg, '--out', join(file, 'sub', 'out')]);
    expect(a.exitCode, a.all).toBe(1);
    // Refused by the --out guard (generator/infra/write.ts) before anything is created.
    expect(a.stderr).toMatch(
      /✖ --out: expected a path under a folder, not under a file, received ".*afile\/sub\/out", which lies inside ".*afile", which is a file/,
    );
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    const b = await runAxgen(['generate', cfg, '--out', '/proc/axgen-exit-test']);
    expect(b.exitCode, b.all).toBe(1);
    expect(b.stderr).toMatch(
      /^✖ --out: expected a path axgen can write .*, received "\/proc\/axgen-exit-test", which cannot be written: creating a file in "\/proc" fails: no such file or folder \(ENOENT\)\nNothing was written\./m,
    );
    userFacing(a.all + b.all);
  });

  /** Whether another user can reach `file` (every folder above it searchable, the file readable). */
  function othersCanRead(file: string): boolean {
    let p = realpathSync(file);
    if ((statSync(p).mode & 0o004) === 0) return false;
    while (dirname(p) !== p) {
      p = dirname(p);
      if ((statSync(p).mode & 0o001) === 0) return false;
    }
    return true;
  }
  const root = process.getuid?.() === 0;
  // As root, the CLI runs as "nobody", who must be able to read the checkout and node_modules;
  // errors.test.ts checks the same classification with a mocked EACCES in any case.
  const canDropRoot = !root || [AXGEN_BIN, join(ROOT, 'node_modules', 'tsx', 'package.json')].every(othersCanRead);

  it.skipIf(!canDropRoot)(
    '--out inside a folder the user cannot write (EACCES, run as "nobody" when the tests run as root): exit 1 naming --out',
    async () => {
      const pub = mkdtempSync(join(tmpdir(), 'axgen-eacces-'));
      try {
        chmodSync(pub, 0o755);
        const c = join(pub, 'tiny.json');
        writeFileSync(c, JSON.stringify(tiny), { mode: 0o644 });
        const locked = join(pub, 'locked');
        mkdirSync(locked, { mode: 0o755 });
        if (!root) chmodSync(locked, 0o555);
        const r = await runAxgen(['generate', c, '--out', join(locked, 'out')], {
          cwd: pub,
          ...(root ? { uid: 65534, gid: 65534 } : {}),
        });
        expect(r.exitCode, r.all).toBe(1);
        expect(r.stderr).toMatch(
          /^✖ --out: expected a path axgen can write .*, received ".*locked\/out", which cannot be written: creating a file in ".*locked" fails: permission denied \(EACCES\)/m,
        );
        userFacing(r.all);
      } finally {
        rmSync(pub, { recursive: true, force: true });
      }
    },
  );

  it('synth --json in /proc (ENOENT): exit 1 naming --json', async () => {
    for (const cmd of [['synth', cfg, '--target', 'generic']]) {
      const r = await runAxgen([...cmd, '--json', '/proc/x.json']);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.stderr).toMatch(
        /^✖ --json: expected a path axgen can write .*, received "\/proc\/x\.json", which cannot be written: creating a file in "\/proc" fails: no such file or folder \(ENOENT\)/m,
      );
      userFacing(r.all);
    }
  });
});

describe('sim --rtl on a hand-edited folder', () => {
  it("a Verilog syntax error is the result of the check: exit 4 with the simulator's own message", async () => {
    const edited = join(dir, 'edited');
    cpSync(rtl, edited, { recursive: true });
    const pe = join(edited, 'tiny_exit_pe.v');
    writeFileSync(pe, readFileSync(pe, 'utf8').replace(/endmodule/, 'endmodule oops('));
    const report = join(dir, 'edited.json');
    const r = await runAxgen(['sim', '--rtl', edited, '--simulator', 'both', '--seed', '1', '--json', report]);
    expect(r.exitCode, r.all).toBe(4);
    // Both simulators' messages in full, and a result line for each (in the --json report too).
    for (const tool of ['iverilog', 'verilator'])
      expect(r.stderr).toMatch(
        new RegExp(
          `^✖ ${tool} could not compile the Verilog read from the folder \\(fix the edit, or regenerate the folder with \`axgen generate … --force\`, which moves the edited folder aside\\):`,
          'm',
        ),
      );
    expect(r.stderr).toMatch(/tiny_exit_pe\.v:\d+/);
    expect(r.stdout).toMatch(/did not simulate tiny_exit_top .* in icarus and verilator/);
    // Each line names the simulator's own first message line, not only "could not compile …:".
    expect(r.stdout).toMatch(
      /^ {2}icarus {4}FAIL {2}did not finish: iverilog could not compile .*: tiny_exit_pe\.v:\d+/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}verilator FAIL {2}did not finish: verilator could not compile .*: %Error: .*tiny_exit_pe\.v:\d+/m,
    );
    const j = JSON.parse(readFileSync(report, 'utf8')) as {
      passed: boolean;
      runs: { simulator: string; error?: string; errorDetail?: string }[];
    };
    expect(j.passed).toBe(false);
    // The report keeps each simulator's whole message.
    expect(
      j.runs.map((x) => [x.simulator, /could not compile[^]*tiny_exit_pe\.v:\d+/.test(x.errorDetail ?? '')]),
    ).toEqual([
      ['icarus', true],
      ['verilator', true],
    ]);
    userFacing(r.all);
  });

  it('a .v removed from the folder, files.f and the manifest: exit 4 naming the missing module; removed from the folder only: exit 1', async () => {
    const gone = join(dir, 'gone');
    cpSync(rtl, gone, { recursive: true });
    rmSync(join(gone, 'tiny_exit_mul.v'));
    writeFileSync(join(gone, 'files.f'), readFileSync(join(gone, 'files.f'), 'utf8').replace('tiny_exit_mul.v\n', ''));
    const listed = await runAxgen(['sim', '--rtl', gone, '--simulator', 'icarus', '--seed', '1']);
    expect(listed.exitCode, listed.all).toBe(1);
    expect(listed.stderr).toMatch(
      /manifest\.json files: expected tiny_exit_mul\.v, which manifest\.json lists, to exist in .*gone \(restore it, or regenerate/,
    );
    const m = JSON.parse(readFileSync(join(gone, 'manifest.json'), 'utf8')) as { files: string[] };
    m.files = m.files.filter((f) => f !== 'tiny_exit_mul.v');
    writeFileSync(join(gone, 'manifest.json'), JSON.stringify(m, null, 2));
    const r = await runAxgen(['sim', '--rtl', gone, '--simulator', 'icarus', '--seed', '1']);
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stderr).toMatch(/Unknown module type: tiny_exit_mul/);
    userFacing(r.all);
  });
});

describe('missing tools', () => {
  /** A folder for PATH holding only the named programs (symlinks to the installed ones). */
  function pathWith(names: string[]): string {
    const bin = mkdtempSync(join(dir, 'path-'));
    for (const n of names) symlinkSync(`/usr/bin/${n}`, join(bin, n));
    return bin;
  }

  it('Verilator present but make missing: exit 2 naming build-essential', async () => {
    expect(existsSync('/usr/bin/verilator_bin'), 'this test needs Verilator installed in /usr/bin').toBe(true);
    const bin = pathWith(['verilator', 'verilator_bin']);
    const r = await runAxgen(['sim', cfg, '--simulator', 'verilator', '--seed', '1'], {
      env: { PATH: bin, AXGEN_CACHE: join(dir, 'cache') },
      extendEnv: false,
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /^✖ make is not available \(Verilator builds its models with make; not found on the PATH\)\. Install it with: sudo apt-get install -y build-essential$/m,
    );
  });

  it('--simulator both with neither simulator installed: exit 2 naming both, one install command', async () => {
    const bin = pathWith([]);
    const r = await runAxgen(['sim', cfg, '--simulator', 'both', '--seed', '1'], {
      env: { PATH: bin, AXGEN_CACHE: join(dir, 'cache') },
      extendEnv: false,
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /iverilog is not available \(not found on the PATH\); verilator is not available \(not found on the PATH\)\. Install them with: sudo apt-get install -y iverilog verilator build-essential/,
    );
  });
});

describe('missing tools for fpga', () => {
  it('yosys and iverilog present, nextpnr and icepack missing: exit 2 naming both before any work', async () => {
    const bin = mkdtempSync(join(dir, 'path-fpga-'));
    for (const n of ['yosys', 'yosys-abc', 'iverilog', 'vvp']) symlinkSync(`/usr/bin/${n}`, join(bin, n));
    const out = join(dir, 'fpga-none');
    const t0 = Date.now();
    const r = await runAxgen(['fpga', cfg, '--device', 'hx8k', '--out', out], {
      env: { PATH: bin, AXGEN_CACHE: join(dir, 'cache') },
      extendEnv: false,
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/nextpnr-ice40 is not available .*; icepack is not available /);
    // Refused up front: no gate-level check ran, nothing was written.
    expect(r.stdout).not.toMatch(/gate-level/);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(existsSync(out)).toBe(false);
  });
});

describe('arguments reported as typed', () => {
  it('--seed abc says received "abc"; --gemm -1x2x2 names --gemm (more in errors.test.ts)', async () => {
    const seed = await runAxgen(['sim', cfg, '--seed', 'abc']);
    expect(seed.exitCode, seed.all).toBe(1);
    expect(seed.stderr).toContain('✖ --seed: expected an integer from 0 to 4294967295, received "abc"');
    const gemm = await runAxgen(['sim', cfg, '--gemm', '-1x2x2', '--seed', '1']);
    expect(gemm.exitCode, gemm.all).toBe(1);
    expect(gemm.stderr).toContain(
      '✖ --gemm: expected MxKxN with three positive integers, e.g. 64x128x32, received "-1x2x2"',
    );
  });

  it('an option given twice takes its last value in every command; a list option (--only) keeps every one', async () => {
    // sim: the last --jobs is checked as typed (not "[2,null]"), the last --seed is the one used.
    const jobs = await runAxgen(['sim', cfg, '--jobs', '2', '--jobs', 'x', '--json', join(dir, 'twice.json')]);
    expect(jobs.exitCode, jobs.all).toBe(1);
    expect(jobs.stderr).toContain('✖ --jobs: expected an integer from 1 to 256, received "x"');
    expect(existsSync(join(dir, 'twice.json'))).toBe(false);
    const seed = await runAxgen(['sim', cfg, '--simulator', 'icarus', '--seed', '1', '--seed', '7', '--jobs', '1']);
    expect(seed.exitCode, seed.all).toBe(0);
    expect(seed.stdout).toMatch(/replay: axgen sim .* --seed 7 /);
    // generate: the last --out is written, the first is not touched.
    const [a, b] = [join(dir, 'twice-a'), join(dir, 'twice-b')];
    const out = await runAxgen(['generate', cfg, '--out', a, '--out', b]);
    expect(out.exitCode, out.all).toBe(0);
    expect(existsSync(join(b, 'manifest.json'))).toBe(true);
    expect(existsSync(a)).toBe(false);
    // regress: --only is a list, so a repeat adds to it.
    const only = await runAxgen([
      'regress',
      '--list',
      '--only',
      'r0_exact0_ws_1x1_s',
      '--only',
      'r3_asm0_os_4x4_s',
      '--jobs',
      '2',
      '--jobs',
      '1',
    ]);
    expect(only.exitCode, only.all).toBe(0);
    expect(
      only.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['r0_exact0_ws_1x1_s', 'r3_asm0_os_4x4_s']);
    // A mistyped entry name: the entry it is closest to.
    const typo = await runAxgen(['regress', '--list', '--only', 'r0_exact0_ws_1x1_z']);
    expect(typo.exitCode, typo.all).toBe(1);
    expect(typo.stderr).toContain('received "r0_exact0_ws_1x1_z" (did you mean "r0_exact0_ws_1x1_s"?)');
    userFacing(jobs.all + out.all);
  });

  it('accuracy checks --jobs and AXGEN_JOBS like the other commands, before it reads the model', async () => {
    const args = ['accuracy', cfg, '--model', join(dir, 'none.onnx'), '--dataset', 'fashion-mnist'];
    const flag = await runAxgen([...args, '--jobs', '0']);
    expect(flag.exitCode, flag.all).toBe(1);
    expect(flag.stderr).toContain('✖ --jobs: expected an integer from 1 to 256, received 0');
    const env = await runAxgen(args, { env: { AXGEN_JOBS: 'two' } });
    expect(env.exitCode, env.all).toBe(1);
    expect(env.stderr).toContain(
      '✖ AXGEN_JOBS: expected an integer from 1 to 256 (or unset, empty or blank), received "two"',
    );
    userFacing(flag.all + env.all);
  });
});
