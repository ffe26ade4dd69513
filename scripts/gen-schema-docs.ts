/**
 * Writes schemas/accelerator.schema.json and docs/config.md from the TypeScript schema, so the
 * JSON Schema editors use, the config reference and the types cannot drift. `npm run schema`;
 * `--check` fails (exit 1) when a written file is stale, which a test runs.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { generatedDocs } from '../generator/docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of Object.entries(generatedDocs())) {
  const path = join(root, rel);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (old === text) continue;
  if (check) {
    process.stderr.write(`✖ ${rel} is stale: run \`npm run schema\`\n`);
    stale++;
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${rel}\n`);
  }
}
process.exitCode = stale ? 1 : 0;
