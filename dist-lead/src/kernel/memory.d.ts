import { type Kernel } from './kernel.js';
/** The policy that governs VMA `i` (get_vma_policy; no reference: mmap_sem pins it). */
export declare function getVmaPolicy(kn: Kernel, t: number, m: number, i: number): number;
/**
 * __get_vma_policy: the policy VMA `i` itself gives `addr`, without falling back to the task:
 * where the inode keeps the policy (shmem, SysV, files under seed 000), its shared policy for
 * that page (with a reference: release it with mpolCondPut), else the VMA's own; 0 for none.
 */
export declare function vmaPolicyAt(kn: Kernel, m: number, i: number, addr: number): number;
/** The interleave index of `addr` in VMA `i`: its page offset in the mapping. */
export declare function vmaIlx(kn: Kernel, m: number, i: number, addr: number): number;
/** page_mapcount */
export declare function pageMapcount(kn: Kernel, pfn: number): number;
/**
 * handle_mm_fault for the page at `addr` (page aligned). mmap_sem must be held for read.
 * Returns the pfn now mapped, -EFAULT (no mapping: SIGSEGV), -EACCES (protection: SIGSEGV)
 * -EIO (past the end of the mapped object: SIGBUS) or -ENOMEM (no memory the policy allows:
 * the emulated OOM).
 */
export declare function handleMmFault(kn: Kernel, t: number, m: number, addr: number, write: boolean): number;
/** What an access did: 0, or the errno of the fault that stopped it and where. */
export interface AccessFault {
    err: number;
    addr: number;
}
/** Read `len` bytes at `addr` into `out`. */
export declare function userLoad(kn: Kernel, t: number, addr: number, out: Uint8Array): AccessFault | null;
/** Write `bytes` at `addr`. */
export declare function userStore(kn: Kernel, t: number, addr: number, bytes: Uint8Array): AccessFault | null;
/**
 * Fault every page of [addr, addr + len) for reading or writing without changing its bytes.
 * Nothing is copied, so no page needs a pin: each is only marked accessed.
 */
export declare function userTouch(kn: Kernel, t: number, addr: number, len: number, write: boolean): AccessFault | null;
/**
 * zap_pte_range: unmap [start, end) of mm `m` (mmap_sem held for write), dropping the mapping
 * references of every page.
 */
export declare function zapPteRange(kn: Kernel, m: number, start: number, end: number): void;
/** copy_pte_range for fork: share every private page copy-on-write (both mms' mmap_sem held for write). */
export declare function copyPteRange(kn: Kernel, parent: number, child: number, start: number, end: number, cow: boolean): void;
