/**
 * Start-up time of the axgen command: wall-clock seconds from spawning `node bin/axgen.js` to its
 * exit, median of several runs, for `--help`, `validate` of a JSON config and `validate` of a `.ts`
 * config; the compiled CLI (dist/, what users run) beside the TypeScript sources run through tsx
 * (AXGEN_FROM_SOURCE=1, what the tests run). Printed, not asserted: `npm run bench:startup`
 * (builds dist/ first). Wall-clock figures depend on the machine's load (printed with them); the
 * CPU figures much less. The README gives them with the date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../generator/root.js';

const RUNS = Number(process.env.RUNS ?? 7);
const bin = join(ROOT_DIR, 'bin', 'axgen.js');
if (!existsSync(join(ROOT_DIR, 'dist', 'generator', 'cli.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first (npm run bench:startup does)\n');
  process.exit(1);
}

const cases: [string, string[]][] = [
  ['axgen --help', ['--help']],
  ['axgen validate examples/edge-int8.json', ['validate', 'examples/edge-int8.json']],
  ['axgen validate examples/edge-int8.ts', ['validate', 'examples/edge-int8.ts']],
];

const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

/**
 * Median wall-clock and CPU (user + system, from GNU time when installed) seconds of RUNS runs, after
 * one unmeasured warm-up run (for the file cache). On a loaded machine the wall clock grows with the
 * load while the CPU time stays close to what an idle machine's wall clock would show.
 */
function median(args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number | null } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const r = haveTime
      ? spawnSync(TIME, ['-f', 'AXGEN_TIME %U %S', process.execPath, bin, ...args], {
          cwd: ROOT_DIR,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
          encoding: 'utf8',
        })
      : spawnSync(process.execPath, [bin, ...args], { cwd: ROOT_DIR, env, stdio: 'ignore' });
    const seconds = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`axgen ${args.join(' ')} exited ${r.status}: ${String(r.stderr ?? '')}`);
    if (i === 0) continue;
    wall.push(seconds);
    const m = /AXGEN_TIME ([\d.]+) ([\d.]+)/.exec(String(r.stderr ?? ''));
    if (m) cpu.push(Number(m[1]) + Number(m[2]));
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: mid(wall), cpu: cpu.length ? mid(cpu) : null };
}

const base = { ...process.env };
delete base.AXGEN_FROM_SOURCE;
const node = execFileSync(process.execPath, ['--version'], { encoding: 'utf8' }).trim();
console.log(`axgen start-up, median of ${RUNS} runs (node ${node}, ${new Date().toISOString().slice(0, 10)})\n`);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(`load average at the start: ${load} (on ${availableParallelism()} cores)\n`);
console.log('| command | compiled (dist/): wall / CPU | sources through tsx: wall / CPU |');
console.log('|---|---:|---:|');
const fmt = (x: { wall: number; cpu: number | null }) =>
  `${x.wall.toFixed(2)} s / ${x.cpu === null ? 'n/a' : `${x.cpu.toFixed(2)} s`}`;
for (const [label, args] of cases) {
  const compiled = median(args, base);
  const source = median(args, { ...base, AXGEN_FROM_SOURCE: '1' });
  console.log(`| \`${label}\` | ${fmt(compiled)} | ${fmt(source)} |`);
}
