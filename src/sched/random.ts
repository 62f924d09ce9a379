/**
 * mulberry32: a small seeded generator of floats in [0, 1), for workloads that must be a
 * function of their seed (stress fixtures, the fuzzer's arguments, bench workloads). State is
 * the closure's own word: one generator per user, no sharing between threads.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
