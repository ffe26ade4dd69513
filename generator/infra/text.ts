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
