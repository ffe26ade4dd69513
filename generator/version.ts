import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './root.js';

/** The generator version, read once from package.json; it appears in every emitted header and manifest. */
export const GENERATOR_VERSION: string = (
  JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string }
).version;
