/**
 * Whether a module is the script Node was started with (`npx tsx bench/fmax.ts`) rather than a
 * module another one imports (a test importing one of its functions): a script that also exports
 * functions runs its work only `if (runAsScript(import.meta.url))`.
 */
import { pathToFileURL } from 'node:url';

/**
 * `url` is the module's `import.meta.url`. Compared as file URLs (Node gives process.argv[1] as an
 * absolute path with symbolic links resolved), so a checkout whose path holds a space or another
 * character a URL escapes matches too, which `file://${process.argv[1]}` would not.
 */
export function runAsScript(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && url === pathToFileURL(script).href;
}
