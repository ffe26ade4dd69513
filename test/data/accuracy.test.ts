/** Top-1 accuracy, per-class recall, the Wilson interval and agreement, against hand counts. */
import { describe, expect, it } from 'vitest';
import { agreement, argmax, formatAccuracy, top1Accuracy, wilsonInterval } from '../../generator/data/accuracy.js';

describe('top1Accuracy', () => {
  it('counts right predictions overall and per class', () => {
    const labels = [0, 0, 1, 1, 1, 2];
    const preds = [0, 1, 1, 1, 0, 2];
    const s = top1Accuracy(preds, labels, ['zero', 'one', 'two', 'three']);
    expect(s.count).toBe(6);
    expect(s.correct).toBe(4);
    expect(s.accuracy).toBeCloseTo(4 / 6, 12);
    expect(s.perClass.map((c) => [c.label, c.name, c.count, c.correct])).toEqual([
      [0, 'zero', 2, 1],
      [1, 'one', 3, 2],
      [2, 'two', 1, 1],
      [3, 'three', 0, 0],
    ]);
    expect(s.perClass[1]!.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.perClass[3]!.accuracy).toBeNaN(); // no image of class 3
  });

  it('covers a class that is only ever predicted, and refuses mismatched lengths', () => {
    const s = top1Accuracy(Uint8Array.of(5), Uint8Array.of(0));
    expect(s.perClass).toHaveLength(6);
    expect(s.correct).toBe(0);
    expect(() => top1Accuracy([1, 2], [1])).toThrow(/2 predictions for 1 labels/);
  });

  it('gives the Wilson interval of published examples and prints one line', () => {
    // 81 of 263 (Wilson 1927 as tabulated by Newcombe, Stat. Med. 17:857, 1998, method 3): 0.2553–0.3662
    const [lo, hi] = wilsonInterval(81, 263);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4); // Newcombe's example 0/10
    const s = top1Accuracy([1, 1, 1, 0], [1, 1, 1, 1]);
    expect(formatAccuracy(s)).toMatch(/^top-1 75\.00 % \(3\/4, 95 % CI \d+\.\d\d–\d+\.\d\d %\)$/);
  });
});

describe('argmax and agreement', () => {
  it('takes the first of equal maxima, within a row of a flat logits buffer', () => {
    const logits = Float32Array.of(0, 3, 3, -1, /* row 2 */ -5, -2, -2, -9);
    expect(argmax(logits, 0, 4)).toBe(1);
    expect(argmax(logits, 4, 4)).toBe(1);
    expect(argmax([7])).toBe(0);
    expect(() => argmax([], 0, 0)).toThrow();
  });
  it('is the fraction of equal predictions', () => {
    expect(agreement([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.75);
    expect(agreement([], [])).toBeNaN();
    expect(() => agreement([1], [])).toThrow();
  });
});
