import { describe, expect, it } from 'vitest';
import { aOrAn } from '../../generator/infra/text.js';

describe('aOrAn', () => {
  it('reads numbers by their sound: an 8, an 11, an 18, an 80–89, a 16, a 1024', () => {
    for (const n of [8, 11, 18, 80, 89, 800, 8000, 11000, 18_000, 8.5, -8]) expect(aOrAn(n), String(n)).toBe('an');
    for (const n of [1, 2, 7, 10, 12, 16, 24, 32, 64, 100, 110, 180, 1024, 2048, 0])
      expect(aOrAn(n), String(n)).toBe('a');
  });
});
