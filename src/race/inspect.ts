/**
 * Looking into a machine under test without running kernel code: a task's memory read through
 * its page table (for a scenario's check), and a hash of every buffer (for bit-exact replay).
 * Both run while no task is in the kernel (between executions).
 */
import { type Kernel, type MachineBuffers } from '../kernel/kernel.js';
import { frameOffset } from '../kernel/page-alloc.js';
import { PAGE_SIZE } from '../kernel/constants.js';
import { PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';

/** `len` bytes of mm `m` at `addr`: resident pages as they are, untouched ones as zeros; a swapped-out page throws. */
export function peekUser(kn: Kernel, m: number, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let done = 0; done < len; ) {
    const a = addr + done;
    const off = a % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, len - done);
    const pte = Atomics.load(kn.ptes, kn.pteIndex(m, a - off));
    if (pte & PTE_SWAP) throw new Error(`page at 0x${(a - off).toString(16)} is swapped out`);
    const pfn = (pte & PTE_PFN_MASK) - 1;
    if (pte !== 0 && pfn !== kn.zeroPfn) {
      const nm = kn.pfnNode(pfn);
      const from = frameOffset(nm, pfn) + off;
      out.set(nm.bytes.subarray(from, from + n), done);
    }
    done += n;
  }
  return out;
}

/** FNV-1a over every word of the machine's buffers, as 8 hex digits. */
export function hashBuffers(b: MachineBuffers): string {
  let h = 0x811c9dc5;
  for (const buf of [b.kernel, b.vmas, b.ptes, b.disk, b.swap, ...Object.values(b.nodes)]) {
    const w = new Int32Array(buf);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
