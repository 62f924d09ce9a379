// The built command line, run as a child process.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILE_NAMES } from '../../src/index.js';
import { fixture, parseNumaMaps } from '../helpers.js';
import { cli, cliFails } from './run-cli.js';


/** C's printf("% 3d", n): a space for the sign of a non-negative number, then width 3. */
const c3d = (n: number) => (n < 0 ? String(n) : ` ${n}`).padStart(3);

interface DemoJson {
  kernel: string;
  pid: number;
  regions: { policy: string; cpu: number; addr: string; pages: number[] }[];
  numaMaps: string | null;
  numastat: Record<string, Record<string, number>>;
}

describe('cli', () => {
  it('hardware prints the numactl --hardware layout of the default machine', async () => {
    const { stdout } = await cli('hardware');
    expect(stdout).to.equal(
      [
        'available: 4 nodes (0-3)',
        'node 0 cpus: 0 1',
        'node 0 size: 64 MB',
        'node 0 free: 63 MB', // the zero page lives on node 0
        'node 1 cpus: 2 3',
        'node 1 size: 64 MB',
        'node 1 free: 64 MB',
        'node 2 cpus: 4 5',
        'node 2 size: 64 MB',
        'node 2 free: 64 MB',
        'node 3 cpus: 6 7',
        'node 3 size: 64 MB',
        'node 3 free: 64 MB',
        'node distances:',
        'node   0   1   2   3 ',
        '  0:  10  21  31  21 ',
        '  1:  21  10  21  31 ',
        '  2:  31  21  10  21 ',
        '  3:  21  31  21  10 ',
        '',
      ].join('\n'),
    );
  });

  it('hardware prints distance cells as printf("% 3d ") does, also for three-digit distances, and bare "cpus:" for a CPU-less node', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'numa-emu-cli-'));
    try {
      const file = join(dir, 'machine.json');
      await writeFile(file, JSON.stringify({ nodes: [{ memory: '4M' }, { cpus: 0, memory: '8M' }], distance: [[10, 120], [120, 10]] }));
      const { stdout } = await cli('hardware', '--machine', file);
      expect(c3d(120)).to.equal(' 120');
      expect(stdout).to.equal(
        [
          'available: 2 nodes (0-1)',
          'node 0 cpus: 0 1',
          'node 0 size: 4 MB',
          'node 0 free: 3 MB',
          'node 1 cpus:',
          'node 1 size: 8 MB',
          'node 1 free: 8 MB',
          'node distances:',
          `node ${c3d(0)} ${c3d(1)} `,
          `${c3d(0)}: ${c3d(10)} ${c3d(120)} `,
          `${c3d(1)}: ${c3d(120)} ${c3d(10)} `,
          '',
        ].join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hardware --json gives the same facts as data', async () => {
    const h = JSON.parse((await cli('hardware', '--json')).stdout) as {
      nodes: { id: number; cpus: number[]; sizeMB: number; freeMB: number }[];
      distances: Record<string, Record<string, number>>;
    };
    expect(h.nodes.map((n) => [n.id, n.cpus, n.sizeMB])).to.deep.equal([
      [0, [0, 1], 64],
      [1, [2, 3], 64],
      [2, [4, 5], 64],
      [3, [6, 7], 64],
    ]);
    expect(h.distances['0']).to.deep.equal({ 0: 10, 1: 21, 2: 31, 3: 21 });
    expect(h.distances['3']['1']).to.equal(31);
  });

  it('numastat prints the compatibility layout: blank 16-wide first header cell, node<N> right-justified in 16 columns, six rows', async () => {
    const { stdout } = await cli('numastat');
    const header = ' '.repeat(16) + ' '.repeat(11) + 'node0' + ' '.repeat(11) + 'node1' + ' '.repeat(11) + 'node2' + ' '.repeat(11) + 'node3';
    const row = (name: string) => name + ' '.repeat(16 - name.length) + (' '.repeat(15) + '0').repeat(4);
    expect(stdout).to.equal(
      [header, row('numa_hit'), row('numa_miss'), row('numa_foreign'), row('interleave_hit'), row('local_node'), row('other_node'), ''].join('\n'),
    );
  });

  it('numastat after a scenario shows its page counts right-justified under each node', async () => {
    const { stdout } = await cli('numastat', '--scenario', fixture('cli-scenario'));
    const lines = stdout.split('\n');
    expect(lines).to.have.length(8);
    expect(lines[7]).to.equal('');
    expect(lines[0]).to.equal('                           node0           node1           node2           node3');
    expect(lines[1]).to.equal('numa_hit                       0               3               0               5');
    expect(lines[2]).to.equal('numa_miss                      0               0               0               0');
    expect(lines[3]).to.equal('numa_foreign                   0               0               0               0');
    expect(lines[4]).to.equal('interleave_hit                 0               0               0               0');
    expect(lines[5]).to.equal('local_node                     0               3               0               0');
    expect(lines[6]).to.equal('other_node                     0               0               0               5');
  });

  it('demo --json on 6.12: six regions placed per policy, interleave alternating, numa_maps lines for each', async () => {
    const d = JSON.parse((await cli('demo', '--json')).stdout) as DemoJson;
    expect(d.kernel).to.equal('6.12');
    expect(d.regions).to.have.length(6);
    const byPolicy = Object.fromEntries(d.regions.map((r) => [r.policy, r]));
    expect(Object.keys(byPolicy)).to.have.length(6);
    for (const r of d.regions) {
      expect(r.pages, r.policy).to.have.length(8);
      expect(r.addr).to.match(/^0x[0-9a-f]+$/);
    }
    expect(byPolicy['default (task on first node)'].pages).to.deep.equal(Array(8).fill(0));
    expect(byPolicy['default (thread on last node)'].pages).to.deep.equal(Array(8).fill(3));
    expect(byPolicy['default (thread on last node)'].cpu).to.equal(7);
    expect(byPolicy['preferred node 1'].pages).to.deep.equal(Array(8).fill(1));
    expect(byPolicy['bind 1,2,3'].pages).to.deep.equal(Array(8).fill(1)); // from node 0, nodes 1 and 3 tie at 21; the zonelist takes the lower id first
    expect(byPolicy['local (thread on last node)'].pages).to.deep.equal(Array(8).fill(3));

    const il = byPolicy['interleave 0,1,2,3'];
    const vpn = parseInt(il.addr, 16) / 4096;
    expect(il.pages).to.deep.equal(Array.from({ length: 8 }, (_, i) => (vpn + i) % 4));
    for (let i = 1; i < 8; i++) expect(il.pages[i], `page ${i}`).to.not.equal(il.pages[i - 1]);

    expect(d.numaMaps).to.be.a('string');
    expect(d.numaMaps!.endsWith('\n')).to.equal(true);
    const maps = parseNumaMaps(d.numaMaps!);
    const starts = maps.map((l) => l.start);
    expect(starts, 'numa_maps is in address order').to.deep.equal([...starts].sort((a, b) => a - b));
    const at = (addr: string) => maps.find((l) => l.start === parseInt(addr, 16));
    expect(at(il.addr)?.policy).to.equal('interleave:0-3');
    expect(at(il.addr)?.fields).to.include({ anon: '8', N0: '2', N1: '2', N2: '2', N3: '2', kernelpagesize_kB: '4' });
    expect(at(byPolicy['bind 1,2,3'].addr)?.policy).to.equal('bind:1-3');
    expect(at(byPolicy['bind 1,2,3'].addr)?.fields).to.include({ N1: '8' });
    expect(at(byPolicy['preferred node 1'].addr)?.policy).to.equal('prefer:1');
    expect(at(byPolicy['local (thread on last node)'].addr)?.policy).to.equal('local');
    expect(at(byPolicy['local (thread on last node)'].addr)?.fields).to.include({ N3: '8' });
    // The two default regions may share one VMA; together they hold 8 pages on node 0 and 8 on node 3.
    const defaults = maps.filter((l) => l.policy === 'default');
    expect(defaults.reduce((s, l) => s + Number(l.fields.N0 ?? 0), 0)).to.equal(8);
    expect(defaults.reduce((s, l) => s + Number(l.fields.N3 ?? 0), 0)).to.equal(8);
    expect(maps.reduce((s, l) => s + Number(l.fields.anon ?? 0), 0)).to.equal(48);
  });

  it('demo --json numastat agrees with where the pages went', async () => {
    const d = JSON.parse((await cli('demo', '--json')).stdout) as DemoJson;
    const pages = d.regions.flatMap((r) => r.pages);
    for (const id of [0, 1, 2, 3]) {
      const placed = pages.filter((n) => n === id).length;
      expect(d.numastat.numa_hit[id] + d.numastat.numa_miss[id], `pages from node ${id}`).to.equal(placed);
      expect(d.numastat.local_node[id] + d.numastat.other_node[id], `local+other on node ${id}`).to.equal(placed);
      expect(d.numastat.interleave_hit[id], `interleave_hit on node ${id}`).to.equal(2);
    }
  });

  it('demo prints each region, the numa_maps and the numastat table as text', async () => {
    const { stdout } = await cli('demo');
    const d = JSON.parse((await cli('demo', '--json')).stdout) as DemoJson;
    const lines = stdout.split('\n');
    expect(lines[0]).to.equal(`numa-emu demo, kernel 6.12, pid ${d.pid}`);
    const regionLines = lines.filter((l) => / cpu +\d+ {2}0x/.test(l));
    expect(regionLines).to.have.length(6);
    regionLines.forEach((l, i) => {
      const r = d.regions[i];
      expect(l).to.equal(`  ${r.policy.padEnd(32)} cpu ${String(r.cpu).padStart(2)}  ${r.addr}  ${r.pages.join(' ')}`);
    });
    expect(stdout).to.contain(`\n/proc/${d.pid}/numa_maps:\n${d.numaMaps}`);
    const ns = stdout.slice(stdout.indexOf('\nnumastat:\n') + '\nnumastat:\n'.length).split('\n');
    expect(ns[0]).to.equal(' '.repeat(16) + ['node0', 'node1', 'node2', 'node3'].map((h) => h.padStart(16)).join(''));
    expect(ns.slice(1, 7).map((l) => l.slice(0, 16).trim())).to.deep.equal(['numa_hit', 'numa_miss', 'numa_foreign', 'interleave_hit', 'local_node', 'other_node']);
    expect(ns[1]).to.equal('numa_hit'.padEnd(16) + [0, 1, 2, 3].map((id) => String(d.numastat.numa_hit[id]).padStart(16)).join(''));
  });

  it('--kernel 2.6.7 before the command runs the demo on 2.6.7, which has no numa_maps', async () => {
    const d = JSON.parse((await cli('--kernel', '2.6.7', 'demo', '--json')).stdout) as DemoJson;
    expect(d.kernel).to.equal('2.6.7');
    expect(d.numaMaps).to.equal(null);
    expect(d.regions).to.have.length(5);
  });

  it('demo --json --kernel 2.6.7: no numa_maps, no local region, bind fills the lowest allowed node', async () => {
    const d = JSON.parse((await cli('demo', '--json', '--kernel', '2.6.7')).stdout) as DemoJson;
    expect(d.kernel).to.equal('2.6.7');
    expect(d.numaMaps).to.equal(null);
    expect(d.regions.map((r) => r.policy)).to.not.include('local (thread on last node)');
    expect(d.regions).to.have.length(5);
    expect(d.regions.find((r) => r.policy === 'bind 1,2,3')?.pages).to.deep.equal(Array(8).fill(1));
    const { stdout } = await cli('demo', '--kernel', '2.6.7');
    expect(stdout).to.contain('/proc/<pid>/numa_maps: not in this kernel');
  });

  it('demo runs on every kernel profile: every region places its 8 pages on memory nodes', async () => {
    const runs = await Promise.all(PROFILE_NAMES.map((k) => cli('demo', '--json', '--kernel', k)));
    runs.forEach((r, i) => {
      const d = JSON.parse(r.stdout) as DemoJson;
      expect(d.kernel).to.equal(PROFILE_NAMES[i]);
      expect(d.regions.length, PROFILE_NAMES[i]).to.be.at.least(5);
      for (const region of d.regions) expect(region.pages.filter((n) => [0, 1, 2, 3].includes(n)), `${PROFILE_NAMES[i]}: ${region.policy}`).to.have.length(8);
    });
  });

  it('a --machine file is checked as Machine.create checks its options, and a file that is not a JSON object is refused (exit 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'numa-emu-cli-'));
    try {
      const write = async (name: string, text: string) => {
        await writeFile(join(dir, name), text);
        return join(dir, name);
      };
      const misspelled = await write('misspelled.json', JSON.stringify({ nodes: [{ memoryMiB: 64 }] }));
      const wrongType = await write('type.json', JSON.stringify({ nodes: [{ memory: '4M' }], seed: 'one' }));
      const array = await write('array.json', JSON.stringify([{ memory: '4M' }]));
      const notJson = await write('broken.json', '{ nodes: [] ');
      const results = await Promise.all([misspelled, wrongType, array, notJson].map((f) => cliFails('hardware', '--machine', f)));
      expect(results.map((r) => r.code)).to.deep.equal([1, 1, 1, 1]);
      expect(results.map((r) => r.stdout)).to.deep.equal(['', '', '', '']);
      expect(results[0].stderr).to.equal(`numa-emu: --machine ${misspelled}: unknown option nodes[0].memoryMiB (did you mean memory?); known: id, cpus, memory\n`);
      expect(results[1].stderr).to.equal(`numa-emu: --machine ${wrongType}: seed must be a number, not the string 'one'\n`);
      expect(results[2].stderr).to.equal(`numa-emu: --machine ${array}: the file must hold a JSON object of Machine.create options, not an array\n`);
      expect(results[3].stderr).to.match(new RegExp(`^numa-emu: --machine ${notJson}: not JSON \\(`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown command exits with code 2 and prints the usage on stderr', async () => {
    const r = await cliFails('frobnicate');
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain('unknown command frobnicate');
    expect(r.stderr).to.contain('usage: numa-emu');
  });

  it('no command exits with code 2', async () => {
    const r = await cliFails();
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('usage: numa-emu');
  });

  it('an unknown kernel profile fails with a non-zero exit and names the profile', async () => {
    const r = await cliFails('hardware', '--kernel', '9.9');
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain('9.9');
  });
});
