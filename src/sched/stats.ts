/** Small statistics for campaign reports. */

/** Wilson score interval for `hits` out of `n` at 95% confidence, as [low, high]. */
export function wilson95(hits: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = hits / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

/** PCT's guarantee: one execution finds a depth-d bug with probability at least 1 / (n k^(d-1)). */
export function pctBound(n: number, k: number, d: number): number {
  return 1 / (n * Math.pow(Math.max(1, k), d - 1));
}

/** A 53-bit seed for execution `i` of a campaign seeded with `seed` (splitmix64-like, in doubles). */
export function executionSeed(seed: number, i: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  const lo = (h ^ (h >>> 16)) >>> 0;
  const hi = (Math.imul(lo ^ seed, 0x27d4eb2f) >>> 0) & 0x1fffff;
  return hi * 2 ** 32 + lo;
}
