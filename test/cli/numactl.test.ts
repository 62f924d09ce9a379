// numa-emu numactl (numactl's shared-memory mode) and numastat -p / -m / -n, run as the built CLI.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../../src/index.js';
import { sysvKey } from '../../src/cli/numactl.js';
import { fixture, parseNumaMaps } from '../helpers.js';
import { cli, cliEnv, cliFails, cliWithEnv } from './run-cli.js';

const hex = (n: number) => n.toString(16).padStart(16, '0');
/** A --dump-nodes line of shm.c's dumpnode(). */
const nodeLine = (start: number, end: number, node: number) => `${hex(start)}-${hex(end)}: ${node}`;
/** A --dump line of shm.c's dumppol(): policy name, then printmask("", mask). */
const polLine = (start: number, end: number, name: string, nodes: number[]) => `${hex(start)}-${hex(end)}: ${name} : ${nodes.map((n) => `${n} `).join('')}`;
const KB = 1024;

interface NumactlJson {
  kernel: string;
  pid: number;
  object: { kind: string; name?: string; path?: string; key?: number; created: boolean; size: number };
  offset: number;
  length: number;
  policy: { option: string; mode: number; name: string; nodes: number[]; strict: boolean } | null;
  touched: boolean;
  dump?: { start: number; end: number; mode: number; policy: string; nodes: number[] }[];
  dumpNodes?: { start: number; end: number; node: number }[];
  numaMaps: string | null;
}

interface MbRow {
  name: string;
  nodes: Record<string, number>;
  total: number;
}

interface NumastatJson {
  unit: string;
  processes?: { pid: number; comm: string | null; nodes: number[]; rows: MbRow[]; error?: string }[];
  system?: { nodes: number[]; rows: MbRow[] };
  numastat?: { nodes: number[]; rows: MbRow[] };
}

describe('cli numactl', () => {
  it('--interleave=all on a SysV segment with --touch --dump-nodes: one line per page, the nodes taking turns 0,1,2,3', async () => {
    const { stdout, stderr } = await cli('numactl', '--interleave=all', '--shm', 'il', '--length', '64k', '--touch', '--dump-nodes');
    // numactl's notice when it creates the segment: name, --shmid, mode %04o, length %.fMB.
    expect(stderr).to.equal('numactl: Creating shared memory segment il id 0 mode 0600 length 0MB\n');
    const lines = stdout.split('\n');
    expect(lines.pop()).to.equal('');
    expect(lines).to.have.length(16);
    const nodes = lines.map((l, i) => {
      const m = /^([0-9a-f]{16})-([0-9a-f]{16}): (\d+)$/.exec(l);
      expect(m, l).to.not.equal(null);
      expect(parseInt(m![1], 16), `start of line ${i}`).to.equal(i * 4096);
      expect(parseInt(m![2], 16), `end of line ${i}`).to.equal((i + 1) * 4096);
      return Number(m![3]);
    });
    for (let i = 1; i < nodes.length; i++) expect(nodes[i], `page ${i}`).to.equal((nodes[i - 1] + 1) % 4);
    for (const n of [0, 1, 2, 3]) expect(nodes.filter((x) => x === n), `pages on node ${n}`).to.have.length(4);
  });

  it('--dump prints dump_shm\'s line: the range, the policy name, then printmask("") with a space after each node', async () => {
    const { stdout } = await cli('numactl', '-i', '0,2', '-S', 'il2', '-L', '32k', '-d');
    expect(stdout).to.equal(`${polLine(0, 32 * KB, 'interleave', [0, 2])}\n`);
    expect(stdout).to.equal('0000000000000000-0000000000008000: interleave : 0 2 \n');
  });

  it('--membind puts every page of the segment on the node; --dump and --dump-nodes print in command-line order', async () => {
    const { stdout } = await cli('numactl', '--membind=2', '--shm', 'mb', '--length', '64k', '--touch', '--dump-nodes', '--dump');
    expect(stdout).to.equal(`${nodeLine(0, 64 * KB, 2)}\n${polLine(0, 64 * KB, 'bind', [2])}\n`);

    const j = JSON.parse((await cli('numactl', '--membind=2', '--shm', 'mb', '--length', '64k', '--touch', '--dump-nodes', '--dump', '--json')).stdout) as NumactlJson;
    expect(j.object).to.include({ kind: 'sysv', name: 'mb', key: sysvKey('mb', 0), created: true, size: 64 * KB });
    expect(j.policy).to.deep.equal({ option: 'membind', mode: 2, name: 'bind', nodes: [2], strict: false });
    expect(j.touched).to.equal(true);
    expect(j.dumpNodes).to.deep.equal([{ start: 0, end: 64 * KB, node: 2 }]);
    expect(j.dump).to.deep.equal([{ start: 0, end: 64 * KB, mode: 2, policy: 'bind', nodes: [2] }]);
    const maps = parseNumaMaps(j.numaMaps!);
    expect(maps).to.have.length(1);
    expect(maps[0].policy).to.equal('bind:2');
    expect(maps[0].fields.file).to.equal(`/SYSV${(sysvKey('mb', 0) >>> 0).toString(16).padStart(8, '0')}\\040(deleted)`);
    expect(Object.keys(maps[0].fields).filter((k) => /^N\d+$/.test(k))).to.deep.equal(['N2']);
    expect(maps[0].fields.N2).to.equal('16');
  });

  it('--file: the mapping gets the policy, but a regular file\'s page cache follows the task policy (the local node 0) on 6.12', async () => {
    const { stdout, stderr } = await cli('numactl', '--interleave=0-3', '--file', 'data.bin', '--length', '16k', '--touch', '--dump', '--dump-nodes');
    expect(stderr).to.equal('');
    expect(stdout).to.equal(`${polLine(0, 16 * KB, 'interleave', [0, 1, 2, 3])}\n${nodeLine(0, 16 * KB, 0)}\n`);
    const j = JSON.parse((await cli('numactl', '-i', 'all', '-f', 'data.bin', '-L', '16k', '-T', '--json')).stdout) as NumactlJson;
    expect(j.object).to.deep.equal({ kind: 'file', path: 'data.bin', created: true, size: 16 * KB });
    const maps = parseNumaMaps(j.numaMaps!);
    expect(maps).to.have.length(1);
    expect(maps[0].policy).to.equal('interleave:0-3');
    expect(maps[0].fields).to.include({ file: 'data.bin', N0: '4' });
  });

  it('--file under the seed-000 file-policy profile: the page cache follows the mapping\'s interleave, page by page', async () => {
    const { stdout } = await cli('numactl', '--kernel', '2.6.8-rc3+file-policy', '-i', 'all', '-f', 'data.bin', '-L', '16k', '-T', '-D');
    expect(stdout).to.equal([0, 1, 2, 3].map((n) => nodeLine(n * 4 * KB, (n + 1) * 4 * KB, n)).join('\n') + '\n');
  });

  it('--offset: the region starts offset bytes into the segment, which is sized offset + length; dumps print offsets into the object', async () => {
    const { stdout } = await cli('numactl', '-m', '1', '--shm', 'off', '-L', '8k', '-o', '16k', '-T', '-D', '-d');
    expect(stdout).to.equal(`${nodeLine(16 * KB, 24 * KB, 1)}\n${polLine(16 * KB, 24 * KB, 'bind', [1])}\n`);
    const j = JSON.parse((await cli('numactl', '-m', '1', '--shm', 'off', '-L', '8k', '-o', '16k', '-T', '--json')).stdout) as NumactlJson;
    expect(j.object.size).to.equal(24 * KB);
    expect([j.offset, j.length]).to.deep.equal([16 * KB, 8 * KB]);
    // mbind split the attachment: the first 16 KiB keep no policy and no pages.
    const maps = parseNumaMaps(j.numaMaps!);
    expect(maps.map((l) => l.policy)).to.deep.equal(['default', 'bind:1']);
    expect(maps[1].start - maps[0].start).to.equal(16 * KB);
    expect(maps[0].fields.N1).to.equal(undefined);
    expect(maps[1].fields).to.include({ N1: '2' });
  });

  it('--offset on a file maps from that file offset (file-policy profile: interleave by page index of the file)', async () => {
    const { stdout } = await cli('numactl', '--kernel', '2.6.8-rc3+file-policy', '-i', '0,1', '--file', 'f', '-L', '8k', '-o', '8k', '-T', '-D', '-d');
    expect(stdout).to.equal(`${nodeLine(8 * KB, 12 * KB, 0)}\n${nodeLine(12 * KB, 16 * KB, 1)}\n${polLine(8 * KB, 16 * KB, 'interleave', [0, 1])}\n`);
  });

  it('--preferred binds with MPOL_PREFERRED_MANY when the kernel has it, as libnuma does (policy_name prints preferred-many); 2.6.7 gets preferred', async () => {
    const today = await cli('numactl', '--preferred=3', '--shm', 'p', '-L', '8k', '-T', '-d', '-D');
    expect(today.stdout).to.equal(`${polLine(0, 8 * KB, 'preferred-many', [3])}\n${nodeLine(0, 8 * KB, 3)}\n`);
    const old = await cli('numactl', '--kernel', '2.6.7', '--preferred=3', '--shm', 'p', '-L', '8k', '-T', '-d', '-D');
    expect(old.stdout).to.equal(`${polLine(0, 8 * KB, 'preferred', [3])}\n${nodeLine(0, 8 * KB, 3)}\n`);
  });

  it('a --machine file\'s kernel is used unless --kernel overrides it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'numa-emu-numactl-'));
    try {
      const file = join(dir, 'machine.json');
      await writeFile(file, JSON.stringify({ kernel: '2.6.7', nodes: [{ memory: '4M' }, { memory: '4M' }] }));
      const fromFile = await cli('numactl', '--machine', file, '-p', '1', '--shm', 'p', '-L', '4k', '-d');
      expect(fromFile.stdout).to.equal(`${polLine(0, 4 * KB, 'preferred', [1])}\n`);
      const overridden = await cli('numactl', '--machine', file, '--kernel', '6.12', '-p', '1', '--shm', 'p', '-L', '4k', '-d');
      expect(overridden.stdout).to.equal(`${polLine(0, 4 * KB, 'preferred-many', [1])}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--localalloc is MPOL_LOCAL (mode 4, empty mask); on 2.6.7 the kernel refuses it and numactl\'s perror lines end in exit 1', async () => {
    const { stdout } = await cli('numactl', '--localalloc', '--shm', 'l', '-L', '8k', '-T', '-d', '-D');
    expect(stdout).to.equal(`${polLine(0, 8 * KB, 'local', [])}\n${nodeLine(0, 8 * KB, 0)}\n`);
    const r = await cliFails('numactl', '--kernel', '2.6.7', '-l', '--shm', 'l', '-L', '8k', '-d');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal('numactl: Creating shared memory segment l id 0 mode 0600 length 0MB\nmbind: Invalid argument\nlocal allocation: Invalid argument\n');
  });

  it('--strict: touching before a strict --membind finds the pages on the wrong node: EIO, exit 1; without --strict they stay where they are', async () => {
    const r = await cliFails('numactl', '--shm', 's', '-L', '16k', '--touch', '--strict', '--membind=3', '--dump-nodes');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/\nmbind: Input\/output error\nsetting membind: Input\/output error\n$/);
    const { stdout } = await cli('numactl', '--shm', 's', '-L', '16k', '--touch', '--membind=3', '--dump-nodes', '--dump');
    expect(stdout).to.equal(`${nodeLine(0, 16 * KB, 0)}\n${polLine(0, 16 * KB, 'bind', [3])}\n`);
    const j = JSON.parse((await cli('numactl', '--strict', '-m', '3', '--shm', 's', '-L', '16k', '-T', '-D', '--json')).stdout) as NumactlJson;
    expect(j.policy?.strict).to.equal(true);
    expect(j.dumpNodes).to.deep.equal([{ start: 0, end: 16 * KB, node: 3 }]);
  });

  it('--shm attaches a segment a --scenario created under the same key: no creation notice, its pages stay where they were placed', async () => {
    const scenario = fixture('numactl-scenario');
    const j = JSON.parse((await cli('numactl', '--scenario', scenario, '-m', '3', '--shm', 'existing', '-L', '16k', '-D', '-d', '--json')).stdout) as NumactlJson;
    expect(j.object).to.include({ kind: 'sysv', name: 'existing', key: sysvKey('existing', 0), created: false });
    expect(j.dumpNodes).to.deep.equal([{ start: 0, end: 16 * KB, node: 0 }]);
    expect(j.dump).to.deep.equal([{ start: 0, end: 16 * KB, mode: 2, policy: 'bind', nodes: [3] }]);
    const { stderr } = await cli('numactl', '--scenario', scenario, '-m', '3', '--shm', 'existing', '-L', '16k', '-d');
    expect(stderr).to.equal('');
    const tooLong = await cliFails('numactl', '--scenario', scenario, '-m', '3', '--shm', 'existing', '-L', '32k');
    expect(tooLong.code).to.equal(1);
    expect(tooLong.stderr).to.equal('numactl: shmget: Invalid argument\n');
  });

  it('bad command lines exit with code 2, a message and the numactl usage, and print nothing on stdout', async () => {
    const cases: [string[], string][] = [
      [['-i', '0', '-m', '1', '--shm', 's', '-L', '4k'], 'Conflicting policies'],
      [['-i', '0', '-L', '4k'], 'shm related option -L for process'],
      [['-i', '0', '--shm', 's'], 'policy region length not specified before --shm'],
      [['-i', '0', '--shm', 's', '-L', '5000'], 'policy region not page aligned'],
      [['-i', '0', '--shm', 's', '-L', '4k', '-o', '100'], 'policy region not page aligned'],
      [['-i', '0-9', '--shm', 's', '-L', '4k'], '<0-9> is invalid'],
      [['-i', 'zero', '--shm', 's', '-L', '4k'], '<zero> is invalid'],
      [['-p', '', '--shm', 's', '-L', '4k'], '-p needs a node'],
      [['-i', '0', '--shm', 's', '-L', '4q'], "-L: bad size '4q'"],
      [['-i', '0', '--shm', 's', '--file', 'f', '-L', '4k'], 'only one --shm or --file'],
      [['-i', '0', '--shm', 's', '-L', '4k', 'ls'], "unexpected argument 'ls'"],
      [['--frobnicate', '--shm', 's', '-L', '4k'], 'unknown option --frobnicate'],
      [['--shm', 's', '-L', '4k', '-i'], "option requires an argument -- 'i'"],
    ];
    const results = await Promise.all(cases.map(([args]) => cliFails('numactl', ...args)));
    results.forEach((r, i) => {
      const [args, msg] = cases[i];
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stdout, args.join(' ')).to.equal('');
      expect(r.stderr, args.join(' ')).to.contain(`numa-emu: ${msg}`);
      expect(r.stderr, args.join(' ')).to.contain('usage: numa-emu numactl');
    });
  });
});

/** The pid the first process of a fresh machine gets (the scenario's first process). */
async function firstPid(): Promise<number> {
  const m = await Machine.create({ nodes: [{ memory: '4M' }] });
  try {
    return (await m.spawnProcess()).pid;
  } finally {
    await m.close();
  }
}

/** numastat's cells: a left header column of `w0`, then 16-wide right-justified cells. */
const row = (w0: number, label: string, cells: string[]) => label.padEnd(w0) + cells.map((c) => c.padStart(16)).join('');
const rule = (w0: number, n: number, left = '') => left.padEnd(w0) + ` ${'-'.repeat(15)}`.repeat(n);

describe('cli numastat -p / -m', () => {
  let pid: number;
  before(async () => {
    pid = await firstPid();
  });

  it('-p <pid> prints numastat\'s per-process table: header line, Node columns and Total 16 wide, Huge/Heap/Stack/Private, dashes, Total', async () => {
    const { stdout, stderr } = await cli('numastat', '-p', String(pid), '--scenario', fixture('numastat-scenario'));
    expect(stderr).to.equal('');
    const heads = ['Node 0', 'Node 1', 'Node 2', 'Node 3', 'Total'];
    const zeros = Array(5).fill('0.00');
    // Private: node 0 and 2 hold 4 segment pages each (0.015625 MB), node 1 256 pages (1 MB),
    // node 3 32 pages: 0.125 MB, which printf("%.2f") rounds to even: 0.12 (toFixed would say 0.13).
    const priv = ['0.02', '1.00', '0.02', '0.12', '1.16'];
    const expected = [
      '',
      `Per-node process memory usage (in MBs) for PID ${pid} (task${pid})`,
      row(17, '', heads),
      rule(17, 5),
      row(17, 'Huge', zeros),
      row(17, 'Heap', zeros),
      row(17, 'Stack', zeros),
      row(17, 'Private', priv),
      rule(17, 5, '-'.repeat(16)),
      row(17, 'Total', priv),
      '',
    ];
    expect(stdout.split('\n')).to.deep.equal(expected);
    // The exact text of the first lines, written out.
    expect(stdout.split('\n')[2]).to.equal('                           Node 0          Node 1          Node 2          Node 3           Total');
    expect(stdout.split('\n')[3]).to.equal('                  --------------- --------------- --------------- --------------- ---------------');
    expect(stdout.split('\n')[8]).to.equal('----------------  --------------- --------------- --------------- --------------- ---------------');
    for (const l of expected.slice(2, -1)) expect(l).to.have.length(17 + 16 * 5);
  });

  it('-p --json: per-node MB from the process\'s numa_maps; rows and columns add up to the totals; other processes are not counted', async () => {
    const j = JSON.parse((await cli('numastat', '-p', String(pid), '--json', '--scenario', fixture('numastat-scenario'))).stdout) as NumastatJson;
    expect(j.unit).to.equal('MB');
    expect(j.processes).to.have.length(1);
    const p = j.processes![0];
    expect([p.pid, p.comm, p.nodes]).to.deep.equal([pid, `task${pid}`, [0, 1, 2, 3]]);
    expect(p.rows.map((r) => r.name)).to.deep.equal(['Huge', 'Heap', 'Stack', 'Private', 'Total']);
    const byName = Object.fromEntries(p.rows.map((r) => [r.name, r]));
    expect(byName.Private.nodes).to.deep.equal({ 0: 4 / 256, 1: 256 / 256, 2: 4 / 256, 3: 32 / 256 });
    for (const r of p.rows) expect(r.total, r.name).to.equal(Object.values(r.nodes).reduce((a, b) => a + b, 0));
    for (const n of ['0', '1', '2', '3']) expect(byName.Total.nodes[n], `node ${n}`).to.equal(['Huge', 'Heap', 'Stack', 'Private'].reduce((s, k) => s + byName[k].nodes[n], 0));
    expect(byName.Total.total).to.equal(296 / 256);

    const other = JSON.parse((await cli('numastat', '-p', String(pid + 1), '--json', '--scenario', fixture('numastat-scenario'))).stdout) as NumastatJson;
    expect(other.processes![0].rows.find((r) => r.name === 'Total')!.nodes).to.deep.equal({ 0: 64 / 256, 1: 0, 2: 0, 3: 0 });
  });

  it('NUMASTAT_WIDTH folds the table: as many 16-wide columns as fit after the left column, the rest in a section after a blank line', async () => {
    const { stdout } = await cliWithEnv(cliEnv(80), 'numastat', '-p', String(pid), '--scenario', fixture('numastat-scenario'));
    const zeros = (n: number) => Array(n).fill('0.00');
    expect(stdout.split('\n')).to.deep.equal([
      '',
      `Per-node process memory usage (in MBs) for PID ${pid} (task${pid})`,
      // 17 + 3 * 16 = 65 fits in 80; a fourth column would make 81.
      row(17, '', ['Node 0', 'Node 1', 'Node 2']),
      rule(17, 3),
      row(17, 'Huge', zeros(3)),
      row(17, 'Heap', zeros(3)),
      row(17, 'Stack', zeros(3)),
      row(17, 'Private', ['0.02', '1.00', '0.02']),
      rule(17, 3, '-'.repeat(16)),
      row(17, 'Total', ['0.02', '1.00', '0.02']),
      '',
      row(17, '', ['Node 3', 'Total']),
      rule(17, 2),
      row(17, 'Huge', zeros(2)),
      row(17, 'Heap', zeros(2)),
      row(17, 'Stack', zeros(2)),
      row(17, 'Private', ['0.12', '1.16']),
      rule(17, 2, '-'.repeat(16)),
      row(17, 'Total', ['0.12', '1.16']),
      '',
    ]);
  });

  it('two PIDs: one table of per-process totals under a PID column, then the sum', async () => {
    const { stdout } = await cli('numastat', '-p', String(pid + 1), String(pid), '--scenario', fixture('numastat-scenario'));
    const heads = ['Node 0', 'Node 1', 'Node 2', 'Node 3', 'Total'];
    expect(stdout.split('\n')).to.deep.equal([
      '',
      'Per-node process memory usage (in MBs)',
      row(17, 'PID', heads),
      rule(17, 5, '-'.repeat(16)),
      row(17, `${pid} (task${pid})`, ['0.02', '1.00', '0.02', '0.12', '1.16']),
      row(17, `${pid + 1} (task${pid + 1})`, ['0.25', '0.00', '0.00', '0.00', '0.25']),
      rule(17, 5, '-'.repeat(16)),
      row(17, 'Total', ['0.27', '1.00', '0.02', '0.12', '1.41']),
      '',
    ]);
  });

  it('-m prints the per-node meminfo table in MB: title, Node/Total header, dashed rule, one row per field of the node meminfo files', async () => {
    const { stdout } = await cli('numastat', '-m');
    const lines = stdout.split('\n');
    expect(lines[0]).to.equal('');
    expect(lines[1]).to.equal('Per-node system memory usage (in MBs):');
    expect(lines[2]).to.equal('                          Node 0          Node 1          Node 2          Node 3           Total');
    expect(lines[3]).to.equal('                 --------------- --------------- --------------- --------------- ---------------');
    expect(lines.at(-1)).to.equal('');
    const body = lines.slice(4, -1);
    for (const l of lines.slice(2, -1)) expect(l, l).to.have.length(16 + 16 * 5);

    // Same fields, same order as the kernel's node<N>/meminfo.
    const m = await Machine.create();
    let fields: string[];
    try {
      fields = (await m.readFile('/sys/devices/system/node/node0/meminfo')).trim().split('\n').map((l) => l.split(/\s+/)[2].replace(/:$/, ''));
    } finally {
      await m.close();
    }
    expect(body.map((l) => l.slice(0, 16).trimEnd())).to.deep.equal(fields);
    expect(body[0]).to.equal(row(16, 'MemTotal', ['64.00', '64.00', '64.00', '64.00', '256.00']));
    // The zero page is on node 0: 4 kB of node 0 is used.
    expect(body[fields.indexOf('MemUsed')]).to.equal(row(16, 'MemUsed', ['0.00', '0.00', '0.00', '0.00', '0.00']));
    expect(body[fields.indexOf('MemFree')]).to.equal(row(16, 'MemFree', ['64.00', '64.00', '64.00', '64.00', '256.00']));
  });

  it('-m --json after a scenario: MB per node from meminfo, each total the sum of the nodes, MemFree + MemUsed = MemTotal; the text agrees', async () => {
    const scenario = fixture('numastat-scenario');
    const j = JSON.parse((await cli('numastat', '-m', '--json', '--scenario', scenario)).stdout) as NumastatJson;
    const rows = Object.fromEntries(j.system!.rows.map((r) => [r.name, r]));
    for (const r of j.system!.rows) expect(r.total, r.name).to.equal(Object.values(r.nodes).reduce((a, b) => a + b, 0));
    for (const n of ['0', '1', '2', '3']) expect(rows.MemFree.nodes[n] + rows.MemUsed.nodes[n], `node ${n}`).to.equal(64);
    // Scenario pages: anonymous 256 + 32 + 64, SysV 8, the zero page; all counted in MemUsed.
    expect(rows.MemUsed.total).to.equal((256 + 32 + 64 + 8 + 1) / 256);
    expect(rows.AnonPages.nodes).to.deep.equal({ 0: 64 / 256, 1: 256 / 256, 2: 0, 3: 32 / 256 });
    expect(rows.Shmem.total).to.equal(8 / 256);

    const { stdout } = await cli('numastat', '-m', '--scenario', scenario);
    const text = Object.fromEntries(
      stdout
        .split('\n')
        .slice(4, -1)
        .map((l) => [l.slice(0, 16).trimEnd(), l.slice(16).trim().split(/\s+/).map(Number)]),
    );
    expect(Object.keys(text)).to.deep.equal(j.system!.rows.map((r) => r.name));
    for (const [name, cells] of Object.entries(text)) {
      expect(cells, name).to.have.length(5);
      const sum = cells.slice(0, 4).reduce((a, b) => a + b, 0);
      expect(Math.abs(cells[4] - sum), `${name}: total ${cells[4]} vs nodes ${sum}`).to.be.at.most(0.02 + 1e-9);
      expect(Math.abs(cells[4] - rows[name].total), name).to.be.at.most(0.005 + 1e-9);
    }
    expect(text.AnonPages).to.deep.equal([0.25, 1, 0, 0.12, 1.38]);
  });

  it('-n shows the numastat counters in MB with numastat\'s labels; -c narrows the columns to their contents and drops the decimals', async () => {
    const scenario = fixture('numastat-scenario');
    const wide = (await cli('numastat', '-n', '--scenario', scenario)).stdout.split('\n');
    expect(wide.slice(0, 4)).to.deep.equal(['', 'Per-node numastat info (in MBs):', row(16, '', ['Node 0', 'Node 1', 'Node 2', 'Node 3', 'Total']), rule(16, 5)]);
    // numa_hit pages 68, 256, 4, 32 (see the compatibility table) in MB.
    expect(wide[4]).to.equal(row(16, 'Numa_Hit', ['0.27', '1.00', '0.02', '0.12', '1.41']));
    expect(wide.slice(4, -1).map((l) => l.slice(0, 16).trimEnd())).to.deep.equal(['Numa_Hit', 'Numa_Miss', 'Numa_Foreign', 'Interleave_Hit', 'Local_Node', 'Other_Node']);
    const { stdout } = await cli('numastat', '-n', '-c', '--scenario', scenario);
    expect(stdout.split('\n')).to.deep.equal([
      '',
      'Per-node numastat info (in MBs):',
      '                Node 0 Node 1 Node 2 Node 3 Total',
      '                ------ ------ ------ ------ -----',
      'Numa_Hit             0      1      0      0     1',
      'Numa_Miss            0      0      0      0     0',
      'Numa_Foreign         0      0      0      0     0',
      'Interleave_Hit       0      0      0      0     0',
      'Local_Node           0      1      0      0     1',
      'Other_Node           0      0      0      0     0',
      '',
    ]);
  });

  it('-p of a pid that does not exist: numastat\'s header with (null), the perror line, exit 1; bad numastat options exit 2', async () => {
    const r = await cliFails('numastat', '-p', '99');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('\nPer-node process memory usage (in MBs) for PID 99 ((null))\n');
    expect(r.stderr).to.equal("Can't read /proc/99/numa_maps: No such file or directory\n");
    for (const args of [['-p', 'abc'], ['-x'], ['-p']]) {
      const b = await cliFails('numastat', ...args);
      expect(b.code, args.join(' ')).to.equal(2);
      expect(b.stdout, args.join(' ')).to.equal('');
      expect(b.stderr, args.join(' ')).to.contain('usage: numa-emu numastat');
    }
  });
});
