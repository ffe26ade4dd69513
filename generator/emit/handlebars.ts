/**
 * The one Handlebars environment: isolated, templates compiled once with noEscape (Verilog's `<=`
 * must not become `&lt;=`), strict (a missing key is an error) and knownHelpersOnly (two helpers,
 * `article` and `an`).
 * Views hold strings only: with noEscape, `{{a}}{{b}}` with numbers would print their sum.
 */
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { View } from '../units/types.js';
import { ROOT_DIR } from '../root.js';
import { aOrAn, withArticle } from '../infra/text.js';

/** Repository root (generator/root.ts); template paths are given relative to it or to templates/. */
export { ROOT_DIR };
export const TEMPLATE_DIR = join(ROOT_DIR, 'templates');

const hb = Handlebars.create();
// `{{article xDesc}}`: the description with "a" or "an" ("an 8-bit signed activation").
hb.registerHelper('article', (desc: unknown) => {
  if (typeof desc !== 'string') throw new Error(`{{article}} takes a description string, received ${String(desc)}`);
  return withArticle(desc);
});
// `{{an rows}} {{rows}}x…`: the article of a number written in digits ("an 8x8", "a 16x16").
hb.registerHelper('an', (n: unknown) => {
  if (typeof n !== 'string' || !/^\d+$/.test(n))
    throw new Error(`{{an}} takes a number in digits, received ${String(n)}`);
  return aOrAn(Number(n));
});
const compiled = new Map<string, HandlebarsTemplateDelegate>();

// Shared pieces of the Verilog templates: templates/partials/<name>.hbs is `{{> name}}`.
const PARTIAL_DIR = join(TEMPLATE_DIR, 'partials');
for (const f of readdirSync(PARTIAL_DIR)
  .filter((n) => n.endsWith('.hbs'))
  .sort()) {
  hb.registerPartial(f.slice(0, -'.hbs'.length), readFileSync(join(PARTIAL_DIR, f), 'utf8'));
}

function template(rel: string): HandlebarsTemplateDelegate {
  let t = compiled.get(rel);
  if (!t) {
    // `sim/templates/...` lives beside the simulation code; everything else under templates/.
    const path = rel.startsWith('sim/') ? join(ROOT_DIR, rel) : join(TEMPLATE_DIR, rel);
    t = hb.compile(readFileSync(path, 'utf8'), {
      noEscape: true,
      strict: true,
      knownHelpersOnly: true,
      knownHelpers: { article: true, an: true },
    });
    compiled.set(rel, t);
  }
  return t;
}

/** Renders templates/<rel> (or sim/templates/... when rel starts with sim/) with a complete view. Throws (a generator bug) on a missing key or a number. */
export function render(rel: string, view: View): string {
  for (const [k, v] of Object.entries(view)) {
    if (typeof v === 'number') throw new Error(`view key "${k}" of ${rel} is a number; views hold strings`);
  }
  return template(rel)(view);
}
