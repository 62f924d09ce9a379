// numa-emu migratepages and migspeed, run as child processes.
import { expect } from 'chai';
import { fixture } from '../helpers.js';
import { cli, cliFails } from './run-cli.js';

describe('cli: migratepages and migspeed', function () {
  this.timeout(60_000);

  it('migspeed binds the pages to the first nodes, moves them with mbind MPOL_MF_MOVE, and prints the bind lines of numa_maps and the rate', async () => {
    const { stdout } = await cli('migspeed', '-p', '64', '0', '1');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^[0-9a-f]{8,} bind:0 anon=64 dirty=64 active=0 N0=64 kernelpagesize_kB=4$/);
    expect(lines[1]).to.match(/^[0-9a-f]{8,} bind:1 anon=64 dirty=64 active=0 N1=64 kernelpagesize_kB=4$/);
    expect(lines[0].split(' ')[0]).to.equal(lines[1].split(' ')[0]);
    expect(lines[2]).to.match(/^0\.2 Mbyte migrated in \d+\.\d\d secs\. \d+\.\d Mbytes\/second$/); // printf("%1.1f") of 0.25 rounds to even
  });

  it('migspeed -v announces each step as migspeed.c does; --json gives the figures', async () => {
    const { stdout } = await cli('migspeed', '-v', '-p', '16', '0-1', '2');
    expect(stdout.split('\n').slice(0, 5)).to.deep.equal(['From: 0 1 ', 'To: 2 ', 'Allocating 16 pages of 4096 bytes of memory', 'Dirtying memory....', 'Starting test']);
    const j = JSON.parse((await cli('migspeed', '--json', '-p', '16', '0', '3')).stdout) as { pages: number; from: number[]; to: number[]; mbytes: number; seconds: number; mbytesPerSecond: number; after: string[] };
    expect(j).to.include({ pages: 16, mbytes: 0.0625 });
    expect(j.from).to.deep.equal([0]);
    expect(j.to).to.deep.equal([3]);
    expect(j.seconds).to.be.above(0);
    expect(j.mbytesPerSecond).to.be.closeTo(j.mbytes / j.seconds, 1e-9);
    expect(j.after[0]).to.match(/ N3=16 /);
  });

  it('migspeed: a bad command line exits with code 2 and its usage; -h prints the usage', async () => {
    for (const args of [['0'], ['-p', 'x', '0', '1'], ['-p', '0', '0', '1'], ['0', '9']]) {
      const r = await cliFails('migspeed', ...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.match(/usage: numa-emu migspeed/);
    }
    expect((await cli('migspeed', '-h')).stdout).to.match(/^usage: numa-emu migspeed \[-p pages\]/);
  });

  it('migratepages moves the pages a scenario left on the first nodes to the second, prints nothing, and --json shows the pages per node before and after', async () => {
    const plain = await cli('migratepages', '--scenario', fixture('numastat-scenario'), '1000', '1', '0');
    expect(plain.stdout).to.equal('');
    const j = JSON.parse((await cli('migratepages', '--json', '--scenario', fixture('numastat-scenario'), '1000', '1,3', '0,2')).stdout) as {
      pid: number;
      notMigrated: number;
      before: Record<string, number>;
      after: Record<string, number>;
    };
    expect(j.pid).to.equal(1000);
    expect(j.notMigrated).to.equal(0);
    // 256 private pages on node 1, 32 on node 3, a SysV segment with 4 pages on nodes 0 and 2 (numastat-scenario).
    expect(j.before).to.deep.equal({ 0: 4, 1: 256, 2: 4, 3: 32 });
    expect(j.after).to.deep.equal({ 0: 260, 2: 36 });
  });

  it('migratepages: a pid with no process is "migrate_pages: No such process" (exit 1); a bad command line exits 2', async () => {
    const r = await cliFails('migratepages', '1000', '0', '1');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal('migrate_pages: No such process\n');
    for (const args of [['1000', '0'], ['pid', '0', '1'], ['1000', '0', '7']]) expect((await cliFails('migratepages', '--scenario', fixture('numastat-scenario'), ...args)).code, args.join(' ')).to.equal(2);
  });
});
