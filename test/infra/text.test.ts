import { describe, expect, it } from 'vitest';
import { aOrAn, withArticle } from '../../generator/infra/text.js';

describe('aOrAn', () => {
  it('reads numbers by their sound: an 8, an 11, an 18, an 80–89, a 16, a 1024', () => {
    for (const n of [8, 11, 18, 80, 89, 800, 8000, 11000, 18_000, 8.5, -8]) expect(aOrAn(n), String(n)).toBe('an');
    for (const n of [1, 2, 7, 10, 12, 16, 24, 32, 64, 100, 110, 180, 1024, 2048, 0])
      expect(aOrAn(n), String(n)).toBe('a');
  });
});

describe('withArticle', () => {
  it('reads a leading number aloud and otherwise looks at the first letter', () => {
    expect(withArticle('8-bit signed')).toBe('an 8-bit signed');
    expect(withArticle('16-bit unsigned')).toBe('a 16-bit unsigned');
    expect(withArticle('unsigned')).toBe('an unsigned');
    expect(withArticle("two's complement")).toBe("a two's complement");
  });
});
