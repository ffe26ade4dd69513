/**
 * Top-1 accuracy of a classifier's predictions against labels, with a per-class breakdown and a
 * confidence interval, and the agreement rate of two sets of predictions (e.g. an approximate
 * array's against exact int8). No confusion matrix: per-class recall is what the reports show.
 */

/** Accuracy of one class: the images labelled `label` and how many of them were predicted right. */
export interface ClassAccuracy {
  label: number;
  /** Class name when the dataset defines one. */
  name?: string;
  count: number;
  correct: number;
  /** correct / count (the class's recall); NaN when no image has this label. */
  accuracy: number;
}

/** Top-1 accuracy of N predictions. */
export interface AccuracySummary {
  count: number;
  correct: number;
  /** correct / count, in [0, 1]. */
  accuracy: number;
  /**
   * 95 % Wilson score interval of the accuracy (E. B. Wilson, "Probable inference, the law of
   * succession, and statistical inference", JASA 22, 1927), so that a figure from `--limit N` images
   * is read with its uncertainty: [low, high] in [0, 1].
   */
  interval95: [number, number];
  /** One entry per label 0..max(label, prediction), in label order. */
  perClass: ClassAccuracy[];
}

const Z95 = 1.959963984540054; // two-sided 95 % quantile of the standard normal

/** 95 % Wilson score interval of `correct` successes in `count` trials; [0, 1] when count is 0. */
export function wilsonInterval(correct: number, count: number): [number, number] {
  if (count === 0) return [0, 1];
  const p = correct / count;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * count)) / (1 + z2 / count);
  const half = (Z95 / (1 + z2 / count)) * Math.sqrt((p * (1 - p)) / count + z2 / (4 * count * count));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Index of the largest of `length` values starting at `offset` (the predicted class of one row of
 * logits); the first one wins a tie, as numpy's and PyTorch's argmax do.
 * @throws Error when length is not positive (a caller bug).
 */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  if (length <= 0) throw new Error(`argmax of ${length} values`);
  let best = 0;
  let bestValue = values[offset]!;
  for (let i = 1; i < length; i++) {
    const v = values[offset + i]!;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/**
 * Top-1 accuracy of `predictions` (one class index per image) against `labels`.
 * @param predictions N predicted classes.
 * @param labels N true classes (same order).
 * @param classNames optional names by label, copied into the per-class entries.
 * @throws Error when the lengths differ (a caller bug: both come from the same image set).
 */
export function top1Accuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  classNames?: readonly string[],
): AccuracySummary {
  if (predictions.length !== labels.length) {
    throw new Error(`top1Accuracy: ${predictions.length} predictions for ${labels.length} labels`);
  }
  const n = labels.length;
  let classes = classNames?.length ?? 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i]! + 1, predictions[i]! + 1);
  const counts = new Array<number>(classes).fill(0);
  const rights = new Array<number>(classes).fill(0);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    counts[label]! += 1;
    if (predictions[i] === label) {
      rights[label]! += 1;
      correct += 1;
    }
  }
  const perClass = counts.map((count, label): ClassAccuracy => ({
    label,
    ...(classNames?.[label] !== undefined ? { name: classNames[label] } : {}),
    count,
    correct: rights[label]!,
    accuracy: count === 0 ? NaN : rights[label]! / count,
  }));
  return { count: n, correct, accuracy: n === 0 ? NaN : correct / n, interval95: wilsonInterval(correct, n), perClass };
}

/**
 * Fraction of images on which two classifiers predict the same class (e.g. the configured array
 * against exact int8), in [0, 1]; NaN for no images.
 * @throws Error when the lengths differ.
 */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`agreement: ${a.length} against ${b.length} predictions`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same += 1;
  return a.length === 0 ? NaN : same / a.length;
}

/**
 * One line for a report, e.g. `top-1 90.12 % (9012/10000, 95 % CI 89.53–90.69 %)`.
 */
export function formatAccuracy(s: AccuracySummary): string {
  const pct = (x: number): string => (100 * x).toFixed(2);
  return `top-1 ${pct(s.accuracy)} % (${s.correct}/${s.count}, 95 % CI ${pct(s.interval95[0])}–${pct(s.interval95[1])} %)`;
}
