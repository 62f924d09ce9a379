import { expect } from 'chai';
import { MAP_ANONYMOUS, MAP_PRIVATE, MPOL_BIND, Machine, type MachineOptions, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/index.js';
import { SMALL, nodesOf, withMachine } from '../helpers.js';

type CodedError = Error & { code?: string };

/** The error `p` rejects with (a failure if it resolves; a machine it made is closed). */
async function rejection(p: Promise<unknown>): Promise<CodedError> {
  let made: unknown;
  try {
    made = await p;
  } catch (e) {
    return e as CodedError;
  }
  if (made instanceof Machine) await made.close();
  expect.fail('expected a rejection');
}

/** Machine.create with options the type system would refuse (a user's plain JavaScript). */
function createUntyped(opts: unknown): Promise<Machine> {
  return Machine.create(opts as MachineOptions);
}

describe('options are checked by name and by type', () => {
  for (const [label, opts, field, near] of [
    ['a misspelled node field', { nodes: [{ memory: '1M' }, { memoryMiB: 64 }] }, 'nodes[1].memoryMiB', 'memory'],
    ['a misspelled top-level option', { nodes: [{ memory: '1M' }], seeds: 3 }, 'seeds', 'seed'],
    ['a misspelled limit', { nodes: [{ memory: '1M' }], limits: { swapslots: 0 } }, 'limits.swapslots', 'swapSlots'],
    ['a wrong-case option', { Kernel: '2.6.7' }, 'Kernel', 'kernel'],
  ] as const) {
    it(`${label} is refused, naming it and the nearest known option`, async () => {
      const err = await rejection(createUntyped(opts));
      expect(err).to.be.instanceOf(RangeError);
      expect(err.code).to.equal('ERR_INVALID_ARG_VALUE');
      expect(err.message).to.contain(`unknown option ${field} (did you mean ${near}?)`);
    });
  }

  it('an unknown option with no near name lists the known ones', async () => {
    const err = await rejection(createUntyped({ colour: 'blue' }));
    expect(err.message).to.contain('unknown option colour;').and.contain('known: kernel, nodes, distance, seed, limits, pageCluster');
  });

  for (const [label, opts, field] of [
    ['memory given as a boolean', { nodes: [{ memory: true }] }, 'nodes[0].memory'],
    ['a seed given as a string', { seed: '7' }, 'seed'],
    ['a limit given as a bigint', { limits: { maxTasks: 16n } }, 'limits.maxTasks'],
    ['nodes given as an object', { nodes: { 0: { memory: '1M' } } }, 'nodes'],
    ['a distance row of strings', { nodes: [{}, {}], distance: [[10, 20], ['20', '10']] }, 'distance'],
    ['cpus given as a string', { nodes: [{ cpus: '0-1' }] }, 'nodes[0].cpus'],
  ] as const) {
    it(`${label} is a TypeError ERR_INVALID_ARG_TYPE naming the field`, async () => {
      const err = await rejection(createUntyped(opts));
      expect(err).to.be.instanceOf(TypeError);
      expect(err.code).to.equal('ERR_INVALID_ARG_TYPE');
      expect(err.message).to.match(new RegExp(`^Machine\\.create: ${field.replace(/[[\]]/g, '\\$&')} must be `));
    });
  }

  it('options that are not an object are a TypeError', async () => {
    for (const bad of [null, 5, 'demo', [{ memory: '1M' }]]) {
      const err = await rejection(createUntyped(bad));
      expect(err, String(bad)).to.be.instanceOf(TypeError);
      expect(err.code).to.equal('ERR_INVALID_ARG_TYPE');
    }
  });

  it('spawn, thread, fork and close options are checked the same way', () =>
    withMachine(SMALL, async (m) => {
      const err = await rejection(m.spawnProcess({ cpus: 2 } as never));
      expect(err.message).to.contain('unknown option cpus (did you mean cpu?)');
      expect((await rejection(m.spawnProcess({ uid: '0' } as never))).code).to.equal('ERR_INVALID_ARG_TYPE');
      const p = await m.spawnProcess({ cpu: 1 });
      expect((await rejection(p.spawnThread({ CPU: 2 } as never))).message).to.contain('(did you mean cpu?)');
      expect((await rejection(p.fork({ cpu: '2' } as never))).code).to.equal('ERR_INVALID_ARG_TYPE');
      expect(() => m.close({ grace: 10 } as never)).to.throw(RangeError, 'unknown option grace (did you mean graceMs?)');
      expect((await p.main.getcpu()).cpu).to.equal(1);
    }));
});

describe('machines as large as the options allow', () => {
  it('64 nodes: every node gets its worker, its CPUs and its memory', async function () {
    this.timeout(60_000);
    const nodes = Array.from({ length: 64 }, () => ({ cpus: 1, memory: '256K' }));
    await withMachine({ nodes, limits: { swapSlots: 0 } }, async (m) => {
      expect(m.nodes.map((n) => n.id)).to.deep.equal([...Array(64).keys()]);
      expect(await m.readFile('/sys/devices/system/node/online')).to.equal('0-63\n');
      const p = await m.spawnProcess({ cpu: 63 });
      const a = await p.main.mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
      await p.main.touch(a, PAGE_SIZE, 'write');
      await p.main.mbind(a + PAGE_SIZE, PAGE_SIZE, MPOL_BIND, 1n << 40n, 65);
      await p.main.touch(a + PAGE_SIZE, PAGE_SIZE, 'write');
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([63, 40]);
    });
  });

  it('4 GiB in all (4 x 1 GiB): the machine works; disk and swap default to what one buffer holds', async function () {
    this.timeout(60_000);
    const nodes = Array.from({ length: 4 }, () => ({ memory: '1G' }));
    await withMachine({ nodes }, async (m) => {
      expect(m.nodes.map((n) => n.memory)).to.deep.equal(Array(4).fill(2 ** 30));
      expect(m.config.limits.swapSlots).to.be.above(1000_000).and.below(2 ** 20);
      const p = await m.spawnProcess({ cpu: 6 });
      const a = await p.main.mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
      await p.main.touch(a, PAGE_SIZE, 'write');
      expect(await nodesOf(p.main, a, 1)).to.deep.equal([3]);
      expect(await m.readFile('/proc/meminfo')).to.match(/^MemTotal:\s+4194304 kB$/m);
    });
  });

  it('a node larger than one buffer can hold, or a device larger than 4 GiB, is refused up front saying which limit and why', async () => {
    const node = await rejection(Machine.create({ nodes: [{ memory: '4G' }] }));
    expect(node).to.be.instanceOf(RangeError);
    expect(node.code).to.equal('ERR_INVALID_ARG_VALUE');
    expect(node.message).to.match(/node 0: memory 4294967296 is more than \d+ bytes .*V8 views at most 4 GiB of a buffer/);
    const disk = await rejection(Machine.create({ nodes: [{ memory: '1M' }], limits: { diskBlocks: 2 ** 20 } }));
    expect(disk.message).to.match(/limits\.diskBlocks = 1048576 is more than \d+ blocks: a device is one SharedArrayBuffer/);
    const ptes = await rejection(Machine.create({ nodes: [{ memory: '1M' }], limits: { pageTables: 2 ** 23 } }));
    expect(ptes.message).to.contain('page-table buffer').and.contain('limits.{maxMms, pageTables}');
  });
});
