/**
 * English article for a number written in digits, by how it is read aloud: "an 8-bit", "an 11-bit",
 * "an 18×18", "an 80-bit", but "a 16-bit", "a 1024-deep". Only the leading group of three digits
 * decides (8, 11, 18, 80–89, 800–899 and their thousands). Negative and fractional values use their
 * integer magnitude.
 */
export function aOrAn(n: number): 'a' | 'an' {
  let x = Math.trunc(Math.abs(n));
  while (x >= 1000) x = Math.floor(x / 1000);
  return String(x).startsWith('8') || x === 11 || x === 18 ? 'an' : 'a';
}

/**
 * `desc` with its English article: "an 8-bit signed", "a 16-bit unsigned", "an unsigned": by
 * {@link aOrAn} when it starts with a number, else by its first letter (a vowel takes "an").
 */
export function withArticle(desc: string): string {
  const n = /^\d+/.exec(desc);
  const article = n ? aOrAn(Number(n[0])) : /^[aeiou]/i.test(desc) ? 'an' : 'a';
  return `${article} ${desc}`;
}

/**
 * `text` cut to at most `max` characters: whole when it fits, else at the last space that leaves
 * room for an ellipsis, with "…" appended (a single word longer than that is cut inside it).
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.slice(0, max).lastIndexOf(' ');
  const kept = space > 0 ? text.slice(0, space).replace(/[\s,;:]+$/, '') : text.slice(0, max - 1);
  return `${kept}…`;
}

/** `n` and the noun, plural unless n is 1: "1 point", "3 points", "0 points". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
