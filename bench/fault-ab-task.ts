// The task side of bench/fault-ab.ts. It imports nothing, so that a worker of any numa-emu
// checkout (an older one included) can load it: it only calls the synchronous Sys it is given.

/** The part of Sys these loops call (the same in every checkout). */
interface AbSys {
  mmap(addr: number, len: number, prot: number, flags: number): number;
  munmap(addr: number, len: number): void;
  mbind(addr: number, len: number, mode: number, nodes: bigint, maxnode: number, flags: number): void;
  store(addr: number, bytes: Uint8Array): void;
}

const PAGES = 64; // as the fault rows of bench/task-bench.ts
const PAGE = 4096;
const RW = 3; // PROT_READ | PROT_WRITE
const PRIVATE = 0x22; // MAP_PRIVATE | MAP_ANONYMOUS
const SHARED = 0x21; // MAP_SHARED | MAP_ANONYMOUS
const MPOL_INTERLEAVE = 3;

/**
 * ns per first-write fault over `rounds` mappings of 64 pages (private anonymous, or shmem under
 * an interleave policy), timing the stores only. A one-page neighbour stays mapped, as in a real
 * process, so that munmap does not free the page tables the next mapping needs.
 */
export function faultLoop(sys: AbSys, rounds: number, shared: boolean): number {
  const one = new Uint8Array([1]);
  const keep = sys.mmap(0, PAGE, RW, PRIVATE);
  sys.store(keep, one);
  let ms = 0;
  for (let k = 0; k < rounds; k++) {
    const a = sys.mmap(0, PAGES * PAGE, RW, shared ? SHARED : PRIVATE);
    if (shared) sys.mbind(a, PAGES * PAGE, MPOL_INTERLEAVE, 0b11n, 65, 0);
    const t0 = performance.now();
    for (let i = 0; i < PAGES; i++) sys.store(a + i * PAGE, one);
    ms += performance.now() - t0;
    sys.munmap(a, PAGES * PAGE);
  }
  sys.munmap(keep, PAGE);
  return (ms * 1e6) / (rounds * PAGES);
}
