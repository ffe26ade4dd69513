/**
 * Start-up time of the axgen command: wall-clock seconds from spawning `node bin/axgen.js` to its
 * exit, median of several runs, for `--help`, `validate` of a JSON config and `validate` of a `.ts`
 * config; the compiled CLI (dist/, what users run) beside the TypeScript sources run through tsx
 * (AXGEN_FROM_SOURCE=1, what the tests run). Printed, not asserted: `npm run bench:startup`
 * (builds dist/ first). Figures depend on the machine's load; the README gives them with the date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Median wall-clock seconds of RUNS runs (one unmeasured warm-up run first, for the file cache). */
function median(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: ROOT_DIR, env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`axgen ${args.join(' ')} exited ${r.status}`);
    if (i > 0) times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const base = { ...process.env };
delete base.AXGEN_FROM_SOURCE;
const node = execFileSync(process.execPath, ['--version'], { encoding: 'utf8' }).trim();
console.log(`axgen start-up, median of ${RUNS} runs (node ${node}, ${new Date().toISOString().slice(0, 10)})\n`);
console.log('| command | compiled (dist/) | sources through tsx |');
console.log('|---|---:|---:|');
for (const [label, args] of cases) {
  const compiled = median(args, base);
  const source = median(args, { ...base, AXGEN_FROM_SOURCE: '1' });
  console.log(`| \`${label}\` | ${compiled.toFixed(2)} s | ${source.toFixed(2)} s |`);
}
