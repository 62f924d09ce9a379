// Benchmarks that run inside a task's worker, on its synchronous system calls. Every task
// batches BATCH operations per timed iteration, so the timer's own cost stays out of the ns
// figures; results are per operation.
import { Bench } from 'tinybench';
import { MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_MF_MOVE, MPOL_MF_STRICT, PAGE_SIZE, PROT_READ, PROT_WRITE, type Sys } from '../src/index.js';
import { kernelOf } from '../src/kernel/syscalls.js';
import { shrinkNode } from '../src/kernel/vmscan.js';

const BATCH = 64;

export interface Row {
  name: string;
  /** Median nanoseconds per operation. */
  ns: number;
  samples: number;
}

/** A synchronous tinybench whose tasks each say how many operations one iteration runs. */
function batchedBench(timeMs: number) {
  const bench = new Bench({ time: timeMs, warmupTime: timeMs });
  const per: Record<string, number> = {};
  const add = (name: string, n: number, fn: () => void, hooks?: { beforeEach?: () => void; afterEach?: () => void }) => {
    per[name] = n;
    bench.add(name, fn, { async: false, ...hooks });
  };
  return { bench, per, add };
}

function rows(bench: Bench, per: Record<string, number>): Row[] {
  return bench.tasks.map((t) => {
    const r = t.result as { latency?: { p50?: number; samplesCount?: number } } | undefined;
    return { name: t.name, ns: ((r?.latency?.p50 ?? NaN) * 1e6) / per[t.name], samples: r?.latency?.samplesCount ?? 0 };
  });
}

/** The in-task benchmarks, with their same-run baselines. */
export function syscallBench(sys: Sys, timeMs: number): Row[] {
  const { bench, per, add } = batchedBench(timeMs);

  const sab = new Uint8Array(new SharedArrayBuffer(PAGE_SIZE));
  const cell = new Int32Array(new SharedArrayBuffer(4));
  add('baseline: 4 KiB Uint8Array.fill on a SAB', BATCH, () => {
    for (let i = 0; i < BATCH; i++) sab.fill(i);
  });
  add('baseline: Atomics.add', BATCH, () => {
    for (let i = 0; i < BATCH; i++) Atomics.add(cell, 0, 1);
  });

  const rw = PROT_READ | PROT_WRITE;
  const flags = MAP_PRIVATE | MAP_ANONYMOUS;
  const one = new Uint8Array([1]);
  let region = 0;
  add(
    'first-write fault, private anonymous, default policy',
    BATCH,
    () => {
      for (let i = 0; i < BATCH; i++) sys.store(region + i * PAGE_SIZE, one);
    },
    { beforeEach: () => void (region = sys.mmap(0, BATCH * PAGE_SIZE, rw, flags)), afterEach: () => sys.munmap(region, BATCH * PAGE_SIZE) },
  );

  add('get_mempolicy', BATCH, () => {
    for (let i = 0; i < BATCH; i++) sys.getMempolicy(65);
  });
  add(LIBNUMA_GET, BATCH, () => {
    for (let i = 0; i < BATCH; i++) sys.getMempolicy(1025);
  });
  add('set_mempolicy', BATCH, () => {
    for (let i = 0; i < BATCH; i++) sys.setMempolicy(i & 1 ? MPOL_BIND : MPOL_INTERLEAVE, 0b11n, 65);
  });
  const sixteen = sys.mmap(0, 16 * PAGE_SIZE, rw, flags);
  add('mbind of 16 pages', BATCH, () => {
    for (let i = 0; i < BATCH; i++) sys.mbind(sixteen, 16 * PAGE_SIZE, i & 1 ? MPOL_BIND : MPOL_INTERLEAVE, 0b11n, 65);
  });
  bench.runSync();
  sys.setMempolicy(0, null, 0);
  sys.munmap(sixteen, 16 * PAGE_SIZE);
  return rows(bench, per);
}

/** get_mempolicy as libnuma calls it: a mask of numa_num_possible_nodes() (1024) bits, maxnode 1025. */
export const LIBNUMA_GET = 'get_mempolicy, mask as libnuma asks (maxnode 1025)';

/**
 * The first faults a fresh task worker takes, before V8 has compiled the fault path: ns per page
 * of the first write to each of `pages` fresh pages (timed once, in the worker, with no warm-up).
 */
export function coldFaults(sys: Sys, pages: number): number {
  const a = sys.mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  const one = new Uint8Array([1]);
  const t0 = performance.now();
  for (let i = 0; i < pages; i++) sys.store(a + i * PAGE_SIZE, one);
  const ns = ((performance.now() - t0) * 1e6) / pages;
  sys.munmap(a, pages * PAGE_SIZE);
  return ns;
}

/** Fault `pages` fresh pages and unmap them; used for the parallel-throughput measurement. */
export function faultPages(sys: Sys, pages: number): void {
  const a = sys.mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  sys.touch(a, pages * PAGE_SIZE, 'write');
  sys.munmap(a, pages * PAGE_SIZE);
}

/**
 * Issue 3's figures: a shmem first-write fault under a shared policy against a private anonymous
 * one, and swap-out / swap-in of 4 KiB anonymous pages against a raw 4 KiB SAB-to-SAB copy.
 */
export function pagingBench(sys: Sys, timeMs: number): Row[] {
  const { kn } = kernelOf(sys);
  const { bench, per, add } = batchedBench(timeMs);
  const src = new Uint8Array(new SharedArrayBuffer(PAGE_SIZE));
  const dst = new Uint8Array(new SharedArrayBuffer(PAGE_SIZE));
  add('baseline: 4 KiB SAB-to-SAB copy (Uint8Array.set)', BATCH, () => {
    for (let i = 0; i < BATCH; i++) dst.set(src);
  });
  // The paging benches move BATCH distinct frames to and from BATCH distinct slots: the same
  // copies between distinct pages, whose working set outgrows the L1 cache the copy above sits in.
  const from = new Uint8Array(new SharedArrayBuffer(BATCH * PAGE_SIZE));
  const to = new Uint8Array(new SharedArrayBuffer(BATCH * PAGE_SIZE));
  const pages = Array.from({ length: BATCH }, (_, i) => from.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  add('baseline: 4 KiB copies between 64 distinct page pairs', BATCH, () => {
    for (let i = 0; i < BATCH; i++) to.set(pages[i], i * PAGE_SIZE);
  });
  const rw = PROT_READ | PROT_WRITE;
  const one = new Uint8Array([1]);
  let region = 0;
  const faultAll = () => {
    for (let i = 0; i < BATCH; i++) sys.store(region + i * PAGE_SIZE, one);
  };
  const unmap = () => sys.munmap(region, BATCH * PAGE_SIZE);
  add('private anonymous first-write fault', BATCH, faultAll, { beforeEach: () => void (region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS)), afterEach: unmap });
  add('shmem first-write fault under a shared interleave policy', BATCH, faultAll, {
    beforeEach: () => {
      region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_SHARED | MAP_ANONYMOUS);
      sys.mbind(region, BATCH * PAGE_SIZE, MPOL_INTERLEAVE, 0b11n, 65);
    },
    afterEach: unmap,
  });
  const nid = sys.getcpu().node;
  add('swap-out of a 4 KiB anonymous page (reclaim)', BATCH, () => void shrinkNode(kn, nid, BATCH, true), {
    beforeEach: () => {
      region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
      faultAll();
    },
    afterEach: unmap,
  });
  add('swap-in of a 4 KiB anonymous page (fault)', BATCH, () => sys.touch(region, BATCH * PAGE_SIZE, 'read'), {
    beforeEach: () => {
      region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
      faultAll();
      shrinkNode(kn, nid, BATCH, true);
    },
    afterEach: unmap,
  });
  bench.runSync();
  return rows(bench, per);
}

/** Addresses of the `n` pages at `a`. */
function pageAddrs(a: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + i * PAGE_SIZE);
}

/**
 * Issue 9's figures: migration of 4 KiB pages between two nodes (move_pages, migrate_pages and
 * mbind MPOL_MF_MOVE, BATCH pages a call, back and forth) against a raw 4 KiB SAB-to-SAB copy, and
 * move_pages in query mode, per page.
 */
export function migrateBench(sys: Sys, timeMs: number): Row[] {
  const { bench, per, add } = batchedBench(timeMs);
  const src = new Uint8Array(new SharedArrayBuffer(PAGE_SIZE));
  const dst = new Uint8Array(new SharedArrayBuffer(PAGE_SIZE));
  add('baseline: 4 KiB SAB-to-SAB copy (Uint8Array.set)', BATCH, () => {
    for (let i = 0; i < BATCH; i++) dst.set(src);
  });
  const rw = PROT_READ | PROT_WRITE;
  const region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
  sys.touch(region, BATCH * PAGE_SIZE, 'write');
  const addrs = pageAddrs(region, BATCH);
  const status = new Int32Array(BATCH);
  const to = [new Array<number>(BATCH).fill(0), new Array<number>(BATCH).fill(1)];
  let flip = 0;
  add('migration of a 4 KiB page between nodes (move_pages, 64 a call)', BATCH, () => {
    flip ^= 1;
    if (sys.movePages(0, BATCH, addrs, to[flip], status, MPOL_MF_MOVE) !== 0) throw new Error('move_pages left pages');
  });
  add('migration of a 4 KiB page between nodes (migrate_pages)', BATCH, () => {
    flip ^= 1;
    if (sys.migratePages(0, 65, 0b11n, BigInt(1 << flip)) !== 0) throw new Error('migrate_pages left pages');
  });
  add('migration of a 4 KiB page between nodes (mbind MPOL_MF_MOVE)', BATCH, () => {
    flip ^= 1;
    sys.mbind(region, BATCH * PAGE_SIZE, MPOL_BIND, BigInt(1 << flip), 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
  });
  add('move_pages query mode, per page (64 a call)', BATCH, () => {
    sys.movePages(0, BATCH, addrs, null, status, 0);
  });
  bench.runSync();
  sys.munmap(region, BATCH * PAGE_SIZE);
  return rows(bench, per);
}

/**
 * Seed 001's swap migration (profile '2.6.14-rc4-mm1'): mbind MOVE writes each misplaced page to
 * swap, and the next touch reads it back on the policy's node. Per page: the mbind, then the touch.
 */
export function swapMigrateBench(sys: Sys, timeMs: number): Row[] {
  const { bench, per, add } = batchedBench(timeMs);
  const rw = PROT_READ | PROT_WRITE;
  let region = 0;
  let flip = 0;
  const fresh = () => {
    region = sys.mmap(0, BATCH * PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
    sys.touch(region, BATCH * PAGE_SIZE, 'write');
  };
  const unmap = () => sys.munmap(region, BATCH * PAGE_SIZE);
  add('swap migration: mbind MOVE, a page out to swap', BATCH, () => {
    flip ^= 1;
    sys.mbind(region, BATCH * PAGE_SIZE, MPOL_BIND, BigInt(1 << flip), 2048, MPOL_MF_MOVE | MPOL_MF_STRICT);
  }, { beforeEach: fresh, afterEach: unmap });
  add('swap migration: the next touch, a page in from swap', BATCH, () => sys.touch(region, BATCH * PAGE_SIZE, 'read'), {
    beforeEach: () => {
      fresh();
      flip ^= 1;
      sys.mbind(region, BATCH * PAGE_SIZE, MPOL_BIND, BigInt(1 << flip), 2048, MPOL_MF_MOVE | MPOL_MF_STRICT);
    },
    afterEach: unmap,
  });
  bench.runSync();
  return rows(bench, per);
}
