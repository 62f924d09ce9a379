// The real kernel's figures for the emulated hot paths, measured on this machine in the same run:
// bench/real-kernel.c is built with cc into a temporary directory and run. Without a C compiler
// (or if the program fails) the bench falls back to the reference figures measured on this kind
// of machine (shared/notes/toolchain.md), and says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Nanoseconds per operation (move_pages: per page queried). */
export interface KernelFigures {
  fault: number;
  get: number;
  set: number;
  mbind: number;
  movePerPage: number;
  /** Where the figures come from. */
  source: string;
}

/** toolchain.md: first-write fault 1.3-1.6 us, get_mempolicy 135 ns, set_mempolicy 330-450 ns, mbind of 16 pages 780 ns, move_pages 190 ns/page. */
const REFERENCE: KernelFigures = { fault: 1450, get: 135, set: 390, mbind: 780, movePerPage: 190, source: 'reference figures (no C compiler here): shared/notes/toolchain.md' };

const SOURCE = fileURLToPath(new URL('../../bench/real-kernel.c', import.meta.url));

/** Build and run the C program once; the reference figures if that is not possible. */
export function measureRealKernel(): KernelFigures {
  const dir = mkdtempSync(join(tmpdir(), 'numa-emu-bench-'));
  try {
    const exe = join(dir, 'real-kernel');
    execFileSync('cc', ['-O2', '-o', exe, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    const out = JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as Omit<KernelFigures, 'source'>;
    if (Object.values(out).some((v) => !(v > 0))) throw new Error(`a system call failed: ${JSON.stringify(out)}`);
    return { ...out, source: 'this machine, cc -O2, syscall(2), median of 31 runs' };
  } catch (e) {
    return { ...REFERENCE, source: `${REFERENCE.source} (${(e as Error).message.split('\n')[0]})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
