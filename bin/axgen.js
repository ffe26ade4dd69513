#!/usr/bin/env node
// axgen's command. Runs the compiled JavaScript in dist/ (built by scripts/setup.sh, `npm run build`
// and `npm test`), which starts without transpiling TypeScript. Runs the TypeScript sources through
// tsx instead when AXGEN_FROM_SOURCE=1 (the tests set it, so they exercise the sources), when dist/
// is missing, or when a source file is newer than the build (an edited checkout that was not rebuilt).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'generator', 'cli.js');

/** Whether dist/ exists and no .ts under generator/ or sim/ was modified after it was built. */
function distIsCurrent() {
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  for (const dir of ['generator', 'sim']) {
    for (const f of readdirSync(join(root, dir), { recursive: true })) {
      if (f.endsWith('.ts') && statSync(join(root, dir, f)).mtimeMs > t) return false;
    }
  }
  return true;
}

if (process.env.AXGEN_FROM_SOURCE !== '1' && distIsCurrent()) {
  await import(new URL('../dist/generator/cli.js', import.meta.url).href);
} else {
  if (process.env.AXGEN_FROM_SOURCE !== '1' && existsSync(built)) {
    process.stderr.write(
      'axgen: dist/ is older than the TypeScript sources; running the sources (slower start). `npm run build` rebuilds it.\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../generator/cli.ts');
}
