import { expect } from 'chai';
import { IPC_PRIVATE, IPC_RMID, MPOL_BIND, MPOL_INTERLEAVE, O_CREAT, O_RDWR, PAGE_SIZE, Machine, type MachineOptions, type Process, type Task } from '../../src/index.js';
import { type StressArgs } from '../fixtures/stress.js';
import { expectLastWritesVisible, runStress } from '../stress-run.js';
import { fixture, mapAnon, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';

/** Two 1 MiB nodes (256 frames each) and a 16 MiB swap device. */
const TIGHT = { nodes: [{ memory: '1M' }, { memory: '1M' }], limits: { swapSlots: 4096 } };

async function vmstat(m: Machine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await m.readFile('/proc/vmstat')).trim().split('\n')) {
    const [k, v] = line.split(' ');
    out[k] = Number(v);
  }
  return out;
}

/** Write page i with a pattern derived from (seed, i); read back and compare. */
async function fillPages(t: Task, addr: number, pages: number, seed: number): Promise<void> {
  for (let i = 0; i < pages; i++) await t.store(addr + i * PAGE_SIZE, pattern(seed, i));
}
function pattern(seed: number, i: number): Uint8Array {
  return Uint8Array.from({ length: 64 }, (_, j) => (seed * 7 + i * 13 + j) & 0xff);
}
async function checkPages(t: Task, addr: number, pages: number, seed: number): Promise<void> {
  for (let i = 0; i < pages; i++) expect(await t.load(addr + i * PAGE_SIZE, 64), `page ${i}`).to.deep.equal(pattern(seed, i));
}

describe('reclaim and swap', function () {
  this.timeout(120_000);

  it('anonymous memory larger than its node swaps out and comes back intact', () =>
    withMachine(TIGHT, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 600);
      await p.main.mbind(a, 600 * PAGE_SIZE, MPOL_BIND, 0b1n, 65);
      await fillPages(p.main, a, 600, 1);
      await checkPages(p.main, a, 600, 1);
      const v = await vmstat(m);
      expect(v.pswpout).to.be.above(0);
      expect(v.pswpin).to.be.above(0);
      expect(v.pgsteal_direct + v.pgsteal_kswapd).to.be.above(0);
      expect((await nodesOf(p.main, a, 600)).every((n) => n === 0)).to.equal(true);
    }));

  it('a page swapped in is placed by the policy in force at that moment', () =>
    withMachine(TIGHT, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 400);
      await p.main.mbind(a, 400 * PAGE_SIZE, MPOL_BIND, 0b1n, 65);
      await fillPages(p.main, a, 400, 2);
      const swappedBefore = (await vmstat(m)).pswpout;
      expect(swappedBefore).to.be.above(0);
      await p.main.mbind(a, 400 * PAGE_SIZE, MPOL_BIND, 0b10n, 65); // no MOVE: resident pages stay
      await checkPages(p.main, a, 400, 2);
      const nodes = await nodesOf(p.main, a, 400);
      const onNode1 = nodes.filter((n) => n === 1).length;
      expect(onNode1, 'pages brought back after the policy changed').to.be.above(0);
      expect(onNode1).to.be.at.most((await vmstat(m)).pswpin);
    }));

  it('shmem under a shared policy swaps through its object and keeps its bytes for every process', () =>
    withMachine(TIGHT, async (m) => {
      const a = await m.spawnProcess({ cpu: 0 });
      const b = await m.spawnProcess({ cpu: 2 });
      const id = await a.main.shmget(IPC_PRIVATE, 500 * PAGE_SIZE, 0o600);
      const pa = await a.main.shmat(id, null, 0);
      const pb = await b.main.shmat(id, null, 0);
      await a.main.mbind(pa, 500 * PAGE_SIZE, MPOL_BIND, 0b1n, 65);
      await fillPages(a.main, pa, 500, 3);
      await checkPages(b.main, pb, 500, 3);
      expect((await vmstat(m)).pswpout).to.be.above(0);
      await a.main.shmdt(pa);
      await b.main.shmdt(pb);
      await a.main.shmctl(id, IPC_RMID);
    }));

  it('file pages are reclaimed (dirty ones written back first) and read back from disk intact', () =>
    withMachine(TIGHT, async (m) => {
      const t = (await m.spawnProcess({ cpu: 0 })).main;
      await t.setMempolicy(MPOL_BIND, 0b1n, 65);
      const fd = await t.open('/big', O_CREAT | O_RDWR);
      for (let i = 0; i < 700; i++) await t.pwrite(fd, pattern(4, i), i * PAGE_SIZE);
      for (let i = 0; i < 700; i++) expect(await t.pread(fd, 64, i * PAGE_SIZE), `page ${i}`).to.deep.equal(pattern(4, i));
      const v = await vmstat(m);
      expect(v.pswpout, 'file pages never go to swap').to.equal(0);
      expect(v.pgsteal_direct + v.pgsteal_kswapd).to.be.above(0);
      await t.close(fd);
    }));

  it('kswapd in the node workers reclaims while tasks fault, store and change policies at once: no byte lost', () =>
    withMachine({ ...TIGHT, seed: 11 }, async (m) => {
      const PAGES = 300;
      const parent = await m.spawnProcess({ cpu: 0 });
      const priv = await mapAnon(parent.main, PAGES);
      const shared = await mapAnon(parent.main, PAGES, true);
      const child = await parent.fork({ cpu: 2 });
      const tasks: [Task, StressArgs['regions']][] = [
        [parent.main, [[priv, PAGES, true], [shared, PAGES, true]]],
        [await parent.spawnThread({ cpu: 3 }), [[priv, PAGES, true], [shared, PAGES, false]]],
        [child.main, [[shared, PAGES, true]]],
      ];
      const results = await runStress(tasks, { iters: 2500, nodes: 2, seedBase: 50 });
      await expectLastWritesVisible(results, (id) => [id < 2 ? parent.main : child.main]);
      expect((await vmstat(m)).pswpout, 'the run was under memory pressure').to.be.above(0);
    }));

  it('/proc/meminfo and node meminfo report swap and swap cache figures', () =>
    withMachine(TIGHT, async (m) => {
      const text = await m.readFile('/proc/meminfo');
      expect(text).to.match(/^SwapTotal:\s+16384 kB$/m);
      expect(text).to.match(/^SwapFree:\s+16384 kB$/m);
      expect(await m.readFile('/sys/devices/system/node/node0/meminfo')).to.match(/^Node 0 SwapCached:\s+0 kB$/m);
    }));
});

/** Two 4 MiB nodes: room enough that nothing is reclaimed unless a test asks. */
const ROOMY: MachineOptions = { nodes: [{ memory: '4M' }, { memory: '4M' }] };

/** Map and fill `pages` anonymous pages on node 0, then swap every one of them out. */
async function swappedOut(m: Machine, pages: number): Promise<{ p: Process; a: number }> {
  const p = await m.spawnProcess({ cpu: 0 });
  const a = await mapAnon(p.main, pages);
  await fillPages(p.main, a, pages, 9);
  expect(await p.main.run(fixture('reclaim'), 'reclaimOwnNode', pages)).to.equal(pages);
  return { p, a };
}

/** The numa_maps fields of the VMA that starts at `a`. */
async function vmaFields(m: Machine, p: Process, a: number): Promise<Record<string, string>> {
  const line = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`)).find((l) => l.start === a);
  expect(line, `a numa_maps line at ${a.toString(16)}`).to.not.equal(undefined);
  return line!.fields;
}

/** Page numbers (from `a`) of the aligned cluster of 2^cluster pages holding page `i`. */
function clusterOf(a: number, i: number, cluster: number, pages: number): number[] {
  const span = PAGE_SIZE << cluster;
  const start = a + i * PAGE_SIZE - ((a + i * PAGE_SIZE) % span);
  const out: number[] = [];
  for (let x = start; x < start + span; x += PAGE_SIZE) if (x >= a && x < a + pages * PAGE_SIZE) out.push((x - a) / PAGE_SIZE);
  return out;
}

describe('reclaim in batches and swap-in by page cluster', function () {
  this.timeout(60_000);

  it('reclaim of a batch swaps every page out and leaves none in the swap cache', () =>
    withMachine(ROOMY, async (m) => {
      const before = await vmstat(m);
      const { p, a } = await swappedOut(m, 40);
      const v = await vmstat(m);
      expect(v.pswpout - before.pswpout).to.equal(40);
      expect(v.pgsteal_direct - before.pgsteal_direct).to.equal(40);
      expect(await m.readFile('/proc/meminfo')).to.match(/^SwapCached:\s+0 kB$/m);
      expect((await vmaFields(m, p, a)).anon, 'nothing of the mapping is resident').to.equal(undefined);
      await checkPages(p.main, a, 40, 9);
    }));

  it('a swap fault brings back the aligned cluster around it, each page placed by the policy for its address', () =>
    withMachine(ROOMY, async (m) => {
      const { p, a } = await swappedOut(m, 24);
      await p.main.mbind(a, 24 * PAGE_SIZE, MPOL_INTERLEAVE, 0b11n, 65);
      const before = (await vmstat(m)).pswpin;
      await p.main.load(a + 10 * PAGE_SIZE, 1);
      const cluster = clusterOf(a, 10, 3, 24);
      expect((await vmstat(m)).pswpin - before, 'pages read from swap').to.equal(cluster.length);
      const f = await vmaFields(m, p, a);
      expect(Number(f.anon)).to.equal(cluster.length);
      const nodes = await nodesOf(p.main, a + cluster[0] * PAGE_SIZE, cluster.length);
      // Interleave by address: each page's node is its virtual page number modulo the two nodes.
      expect(nodes).to.deep.equal(cluster.map((i) => ((a / PAGE_SIZE + i) % 2)));
      await checkPages(p.main, a, 24, 9);
    }));

  it('pageCluster 0 brings back only the faulting page', () =>
    withMachine({ ...ROOMY, pageCluster: 0 }, async (m) => {
      const { p, a } = await swappedOut(m, 16);
      const before = (await vmstat(m)).pswpin;
      await p.main.load(a + 5 * PAGE_SIZE, 1);
      expect((await vmstat(m)).pswpin - before).to.equal(1);
      expect((await vmaFields(m, p, a)).anon).to.equal('1');
    }));

  it('a swap cluster stops at the end of the VMA', () =>
    withMachine({ ...ROOMY, pageCluster: 5 }, async (m) => {
      const { p, a } = await swappedOut(m, 64);
      // Split the mapping one page after page 40, inside the cluster of page 40.
      const cluster = clusterOf(a, 40, 5, 64);
      await p.main.mbind(a + 41 * PAGE_SIZE, 23 * PAGE_SIZE, MPOL_BIND, 0b1n, 65);
      const before = (await vmstat(m)).pswpin;
      await p.main.load(a + 40 * PAGE_SIZE, 1);
      const inFirst = cluster.filter((i) => i <= 40);
      expect(cluster.length, 'the cluster crosses the split').to.be.above(inFirst.length);
      expect((await vmstat(m)).pswpin - before).to.equal(inFirst.length);
      expect((await vmaFields(m, p, a + 41 * PAGE_SIZE)).anon, 'the second VMA stays swapped out').to.equal(undefined);
      await checkPages(p.main, a, 64, 9);
    }));

  it('Machine.create rejects a page cluster outside 0..5', async () => {
    for (const pageCluster of [-1, 6, 1.5]) {
      const err = await Machine.create({ ...ROOMY, pageCluster }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `pageCluster ${pageCluster}`).to.be.instanceOf(RangeError);
      expect((err as { code: string }).code).to.equal('ERR_INVALID_ARG_VALUE');
    }
  });
});
