// numa-emu numactl as its users type it: a policy and a CPU binding for a workload module,
// --show, --hardware, weighted interleave with sysfs weights, --balancing, --preferred-many.
import { expect } from 'chai';
import { type WorkloadLine } from '../fixtures/numactl-workload.js';
import { fixture } from '../helpers.js';
import { cli, cliFails } from './run-cli.js';

const WORKLOAD = fixture('numactl-workload');
const WEIGHTS = fixture('interleave-weights');

/** The workload's two JSON lines: the process started where numactl put it, then the one on CPU 7. */
function workload(stdout: string): [WorkloadLine, WorkloadLine] {
  const lines = stdout.trim().split('\n');
  expect(lines, stdout).to.have.length(2);
  return lines.map((l) => JSON.parse(l) as WorkloadLine) as [WorkloadLine, WorkloadLine];
}

/** How many pages went to each node. */
function perNode(nodes: number[]): Record<number, number> {
  const c: Record<number, number> = {};
  for (const n of nodes) c[n] = (c[n] ?? 0) + 1;
  return c;
}

const SHOW_DEFAULT = ['policy: default', 'preferred node: current', 'physcpubind: 0 ', 'cpubind: 0 ', 'nodebind: 0 ', 'membind: 0 1 2 3 ', 'preferred: ', ''];

describe('cli numactl: a policy and a binding for a workload', () => {
  it('--interleave=all --cpunodebind=1 -- <module>: the workload\'s processes start with the interleave task policy, on node 1\'s CPU', async () => {
    const { stdout, stderr } = await cli('numactl', '--interleave=all', '--cpunodebind=1', '--', WORKLOAD, '8');
    expect(stderr).to.equal('');
    const [placed, elsewhere] = workload(stdout);
    expect(placed).to.include({ cpu: 2, mode: 3, nodemask: '0xf' });
    expect(placed.nodes.map((n, i) => (n - placed.nodes[0] + 4) % 4 === i % 4)).to.deep.equal(Array(8).fill(true));
    expect(perNode(placed.nodes)).to.deep.equal({ 0: 2, 1: 2, 2: 2, 3: 2 });
    // A process the workload puts on another CPU keeps the policy (sched_setaffinity changes only the CPU).
    expect(elsewhere).to.include({ cpu: 7, mode: 3, nodemask: '0xf' });
    expect(perNode(elsewhere.nodes)).to.deep.equal({ 0: 2, 1: 2, 2: 2, 3: 2 });
  });

  it('short options and no "--" work alike; --json prints what numactl set after the workload\'s own output', async () => {
    const short = workload((await cli('numactl', '-m', '2', '-C', '5', WORKLOAD, '3')).stdout);
    expect(short[0]).to.deep.include({ cpu: 5, mode: 2, nodemask: '0x4', nodes: [2, 2, 2] });
    const { stdout } = await cli('numactl', '--json', '-p', '3', '-N', '2', WORKLOAD, '1');
    const [first, second, ...json] = stdout.split('\n');
    expect(workload(`${first}\n${second}`)[0]).to.deep.include({ cpu: 4, mode: 1, nodemask: '0x8', nodes: [3] });
    expect(JSON.parse(json.join('\n'))).to.deep.include({ kernel: '6.12', policy: { mode: 1, name: 'preferred', nodes: [3] }, cpu: 4, command: [WORKLOAD, '1'] });
  });

  it('--weighted-interleave places pages in the ratio of the sysfs weights (3:1:2:1 here); 2.6.7 refuses it with numactl\'s perror lines', async () => {
    const [placed] = workload((await cli('numactl', '--scenario', WEIGHTS, '--weighted-interleave=all', '--', WORKLOAD, '14')).stdout);
    expect(placed).to.include({ mode: 6, nodemask: '0xf' });
    expect(perNode(placed.nodes)).to.deep.equal({ 0: 6, 1: 2, 2: 4, 3: 2 });
    // Each round of 7 pages: 3 on node 0, 1 on node 1, 2 on node 2, 1 on node 3, in that order.
    const round = placed.nodes.join('');
    expect(`${round}${round}`).to.contain('0001223');
    const old = await cliFails('numactl', '--kernel', '2.6.7', '-w', 'all', WORKLOAD);
    expect(old.code).to.equal(1);
    expect(old.stdout).to.equal('');
    expect(old.stderr).to.equal('set_mempolicy: Invalid argument\nsetting interleave mask: Invalid argument\n');
  });

  it('--preferred-many takes several nodes; a kernel without MPOL_PREFERRED_MANY gets numactl\'s complaint', async () => {
    const [placed] = workload((await cli('numactl', '--preferred-many=1,3', WORKLOAD, '4')).stdout);
    expect(placed).to.include({ mode: 5, nodemask: '0xa' });
    expect(placed.nodes.every((n) => n === 1 || n === 3)).to.equal(true);
    const old = await cliFails('numactl', '--kernel', '2.6.7', '-P', '1,3', WORKLOAD);
    expect([old.code, old.stderr]).to.deep.equal([1, 'numactl: preferred-many requested without kernel support\n']);
  });

  it('--balancing --membind sets MPOL_F_NUMA_BALANCING; without the flag (2.6.7) libnuma falls back to plain bind', async () => {
    const [today, old] = await Promise.all([cli('numactl', '--balancing', '--membind=1', WORKLOAD, '2'), cli('numactl', '--kernel', '2.6.7', '-b', '-m', '1', WORKLOAD, '2')]);
    expect(workload(today.stdout)[0]).to.deep.include({ mode: 2 | 8192, nodemask: '0x2', nodes: [1, 1] });
    expect(workload(old.stdout)[0]).to.deep.include({ mode: 2, nodemask: '0x2', nodes: [1, 1] });
  });

  it('--preferred=0,1 is refused as numactl refuses it (one node); --preferred=1 prefers node 1', async () => {
    const r = await cliFails('numactl', '--preferred=0,1', WORKLOAD);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('numa-emu: --preferred takes exactly one node, not <0,1>').and.contain('usage: numa-emu numactl');
    expect(workload((await cli('numactl', '--preferred=1', WORKLOAD, '2')).stdout)[0]).to.deep.include({ mode: 1, nodemask: '0x2', nodes: [1, 1] });
  });

  it('--show / -s prints numactl\'s show(): policy, preferred node, masks, physcpubind, cpubind, nodebind, membind, preferred', async () => {
    const [plain, short, bound, weighted] = await Promise.all([
      cli('numactl', '--show'),
      cli('numactl', '-s'),
      cli('numactl', '-i', '0,2', '-C', '5', '--show', '-m', '1'), // numactl shows at once: the conflicting -m is never acted on
      cli('numactl', '--scenario', WEIGHTS, '-w', '0-2', '-s'),
    ]);
    expect(plain.stdout.split('\n')).to.deep.equal(SHOW_DEFAULT);
    expect(short.stdout).to.equal(plain.stdout);
    expect(bound.stdout.split('\n')).to.deep.equal([
      'policy: interleave',
      'preferred node: 0 (interleave next)',
      'interleavemask: 0 2 ',
      'interleavenode: 0',
      'physcpubind: 5 ',
      'cpubind: 2 ',
      'nodebind: 2 ',
      'membind: 0 1 2 3 ',
      'preferred: 0 2 ',
      '',
    ]);
    expect(weighted.stdout.split('\n').slice(0, 5)).to.deep.equal(['policy: weighted-interleave', 'preferred node: 0 (interleave next)', 'interleavemask: 0 1 2 ', 'interleaveweights: 3 1 2', 'interleavenode: 0']);
  });

  it('--hardware / -H print the numactl --hardware layout, as the hardware command does', async () => {
    const [long, short, plain] = await Promise.all([cli('numactl', '--hardware'), cli('numactl', '-H'), cli('hardware')]);
    expect(long.stdout).to.match(/^available: 4 nodes \(0-3\)\nnode 0 cpus: 0 1\n/);
    expect(short.stdout).to.equal(long.stdout);
    expect(plain.stdout).to.equal(long.stdout);
  });

  it('numactl\'s rules on what goes together: bad lines exit 2; a module with no scenario exits 1; --strict for a process is only a warning', async () => {
    const cases: [string[], string][] = [
      [[], 'numactl needs a <scenario module>'],
      [['-i', 'all'], 'numactl needs a <scenario module>'],
      [['-m', '1', '-b', WORKLOAD], 'specify policy after --shm/--file'],
      [['-N', '1', '--shm', 's', '-L', '4k'], 'cannot do -N on shared memory'],
      [['-T', WORKLOAD], '-T must be after shared memory specification'],
      [['-d', WORKLOAD], 'cannot do -d without shared memory'],
      [['-N', '9', WORKLOAD], '<9> is invalid'],
      [['-C', '0-99', WORKLOAD], '<0-99> is invalid: cpu argument 99 out of range'],
    ];
    const results = await Promise.all(cases.map(([args]) => cliFails('numactl', ...args)));
    results.forEach((r, i) => {
      const [args, msg] = cases[i];
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.contain(`numa-emu: ${msg}`);
    });
    const missing = await cliFails('numactl', '-i', 'all', fixture('no-scenario'));
    expect([missing.code, missing.stderr]).to.deep.equal([1, `numa-emu: numactl: execution of \`${fixture('no-scenario')}': ${fixture('no-scenario')} exports no scenario(machine)\n`]);
    const strict = await cli('numactl', '--strict', '-i', 'all', WORKLOAD, '1');
    expect(strict.stderr).to.equal('numactl: warning. Strict flag for process ignored.\n');
    expect(workload(strict.stdout)[0].mode).to.equal(3);
  });
});
