/**
 * The project's one seeded generator: mulberry32 (a public-domain 32-bit algorithm by T. Ettinger),
 * small, fast and fully determined by its seed, so stimulus and sampled metrics replay anywhere.
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
