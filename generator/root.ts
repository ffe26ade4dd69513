/**
 * The repository root (the folder holding package.json, templates/ and sim/templates/), found from
 * this module's own location, so it is the same whether the CLI runs from the TypeScript sources
 * (generator/root.ts) or from the compiled JavaScript (dist/generator/root.js).
 */
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const up = dirname(here);
/** Absolute path of the repository root, with a trailing separator. */
export const ROOT_DIR = join(basename(up) === 'dist' ? dirname(up) : up, '/');
