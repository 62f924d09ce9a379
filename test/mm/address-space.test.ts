// The full x86-64 user address space: placement top-down below the mmap base, MAP_FIXED anywhere
// from mmap_min_addr to TASK_SIZE, and sparse page tables that cost memory for what is mapped.
import { expect } from 'chai';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MPOL_BIND, MPOL_MF_MOVE, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/index.js';
import { SMALL, expectErrno, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';

const P = PAGE_SIZE;
const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;
/** x86-64's TASK_SIZE, and the mmap base without randomisation: 128 MiB of stack gap below it. */
const TASK_SIZE = 0x7ffffffff000;
const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('the address space', () => {
  it('MAP_FIXED at 0x400000 and at 0x7f0000000000 holds data, shows in numa_maps and is copied by fork', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const t = p.main;
      expect(await t.mmap(0x400000, 4 * P, RW, ANON | MAP_FIXED)).to.equal(0x400000);
      expect(await t.mmap(0x7f0000000000, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED)).to.equal(0x7f0000000000);
      await t.store(0x400000 + 100, bytes(3 * P, 1));
      await t.store(0x7f0000000000 + 200, bytes(3 * P, 2));
      const starts = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`)).map((l) => [l.start, l.fields.anon, l.fields.N0]);
      expect(starts).to.deep.equal([
        [0x400000, '4', '4'],
        [0x7f0000000000, undefined, '4'],
      ]);
      const child = await p.fork({ cpu: 2 });
      expect(await child.main.load(0x400000 + 100, 3 * P)).to.deep.equal(bytes(3 * P, 1));
      expect(await child.main.load(0x7f0000000000 + 200, 3 * P)).to.deep.equal(bytes(3 * P, 2));
      await child.main.store(0x7f0000000000, new Uint8Array([9])); // shared: the parent sees it
      expect(await t.load(0x7f0000000000, 1)).to.deep.equal(new Uint8Array([9]));
      await t.munmap(0x400000, 4 * P);
      await expectErrno(t.load(0x400000, 1), 'EFAULT', 'load');
      expect(await child.main.load(0x400000 + 100, 1)).to.deep.equal(bytes(1, 1));
    }));

  it('mappings are placed top-down below the mmap base; a free hint is taken, a taken one is not', () =>
    withMachine(SMALL, async (m) => {
      const t = (await m.spawnProcess()).main;
      const a = await t.mmap(0, 4 * P, RW, ANON);
      const b = await t.mmap(0, 2 * P, PROT_READ, ANON);
      expect([a, b]).to.deep.equal([MMAP_BASE - 4 * P, MMAP_BASE - 6 * P]);
      expect(await t.mmap(0x500000000, P, RW, ANON)).to.equal(0x500000000);
      expect(await t.mmap(a, P, PROT_READ, ANON)).to.equal(b - P);
      await t.munmap(a, 4 * P);
      expect(await t.mmap(0, 3 * P, RW, ANON)).to.equal(MMAP_BASE - 3 * P);
    }));

  it('MAP_FIXED and MAP_FIXED_NOREPLACE work anywhere from mmap_min_addr to TASK_SIZE; below it only with CAP_SYS_RAWIO', () =>
    withMachine(SMALL, async (m) => {
      const user = (await m.spawnProcess({ uid: 1000 })).main;
      expect(await user.mmap(0x10000, P, RW, ANON | MAP_FIXED_NOREPLACE)).to.equal(0x10000);
      expect(await user.mmap(TASK_SIZE - P, P, RW, ANON | MAP_FIXED)).to.equal(TASK_SIZE - P);
      await user.store(TASK_SIZE - 1, new Uint8Array([1]));
      expect(await user.load(TASK_SIZE - 1, 1)).to.deep.equal(new Uint8Array([1]));
      await expectErrno(user.mmap(0x1000, P, RW, ANON | MAP_FIXED), 'EPERM', 'mmap');
      await expectErrno(user.mmap(TASK_SIZE, P, RW, ANON | MAP_FIXED), 'ENOMEM', 'mmap');
      await expectErrno(user.mmap(0x10000, P, RW, ANON | MAP_FIXED_NOREPLACE), 'EEXIST', 'mmap');
      const root = (await m.spawnProcess()).main;
      expect(await root.mmap(0x1000, P, RW, ANON | MAP_FIXED)).to.equal(0x1000);
    }));

  it('a mapping of 64 GiB costs page tables only where it is touched, and numa_maps walks just those', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess();
      const huge = 64 * 1024 ** 3;
      const a = await p.main.mmap(0, huge, RW, ANON);
      expect(m.audit().pageTablesInUse).to.equal(0);
      await p.main.store(a, new Uint8Array([1]));
      await p.main.store(a + huge - 1, new Uint8Array([2]));
      // Two 2 MiB regions 64 GiB apart: their own PTE and PMD tables, one PUD between them.
      expect(m.audit().pageTablesInUse).to.equal(5);
      expect(parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`))[0].fields.anon).to.equal('2');
      // mbind's page walk with MPOL_MF_MOVE skips the absent tables: both pages move, at once.
      await p.main.mbind(a, huge, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE);
      expect(await nodesOf(p.main, a, 1)).to.deep.equal([1]);
      expect(await nodesOf(p.main, a + huge - P, 1)).to.deep.equal([1]);
      await p.main.munmap(a, huge);
      expect(m.audit().pageTablesInUse).to.equal(0);
    }));

  it('a page-table pool that runs out gives ENOMEM to the fault and to fork; unmapping gives its tables back', () =>
    withMachine({ ...SMALL, limits: { pageTables: 4 } }, async (m) => {
      const p = await m.spawnProcess();
      const t = p.main;
      await t.mmap(0x400000, P, RW, ANON | MAP_FIXED);
      await t.mmap(0x40000000, P, RW, ANON | MAP_FIXED); // another PUD entry: its own PMD and PTE tables
      await t.store(0x400000, new Uint8Array([1])); // PUD, PMD, PTE: 3 of 4
      await expectErrno(t.store(0x40000000, new Uint8Array([2])), 'ENOMEM', 'store'); // its PMD fits, its PTE table does not
      expect(m.audit().pageTablesInUse).to.equal(4); // the PMD stays, empty, as __pmd_alloc leaves it
      await expectErrno(p.fork(), 'ENOMEM', 'fork'); // the child's copy needs 3 more
      expect(await t.load(0x400000, 1)).to.deep.equal(new Uint8Array([1]));
      expect(m.audit().pageTablesInUse).to.equal(4);
      await t.munmap(0x400000, P);
      await t.store(0x40000000, new Uint8Array([2]));
      expect(await t.load(0x40000000, 1)).to.deep.equal(new Uint8Array([2]));
    }));
});
