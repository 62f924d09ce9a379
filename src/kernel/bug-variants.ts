/**
 * The historical mempolicy refcount and locking bugs as kernel variants: for each catalogued bug
 * (../shared/notes/race-catalog.md), the era whose rules it broke and the rule it broke. The
 * profile `bug:<id>` is that era's row with the rule broken; `fixed:<id>` is the same era with
 * the fix applied (the era's row itself). The scenarios that reproduce them, and the catalogue's
 * other facts (versions, fix commits, depth), live with the race front end (src/race/bugs.ts).
 */
import { type RefcountRules } from './refcount-rules.js';

/** One bug as a kernel variant. */
export interface BugVariant {
  /** The era profile whose rules the bug broke. */
  readonly era: '2.6.22' | '2.6.25' | '3.6' | '3.17';
  readonly title: string;
  /** The rules as the buggy kernel had them. */
  readonly buggy: Partial<RefcountRules>;
  /** The rules with the fix (the era's row unless stated). */
  readonly fixed: Partial<RefcountRules>;
}

export const BUG_VARIANTS: Readonly<Record<string, BugVariant>> = {
  B01: {
    era: '2.6.22',
    title: 'numa_maps reads another task\'s policy while it replaces it (form a: no lock, no reference)',
    buggy: { setMempolicyLock: 'none', numaMapsTaskPolicy: 'unlocked' },
    fixed: {},
  },
  B01b: {
    era: '2.6.25',
    title: 'numa_maps reads another task\'s policy while it replaces it (form b: a reference after an unprotected load)',
    buggy: { setMempolicyLock: 'none', numaMapsTaskPolicy: 'unlocked-ref' },
    fixed: {},
  },
  B02: { era: '2.6.22', title: 'each numa_maps read leaks a shared-policy reference', buggy: { numaMapsDropsLookup: false }, fixed: {} },
  B03: { era: '2.6.22', title: 'page migration leaks a shared-policy reference per page (new_vma_page)', buggy: { allocVmaDropsLookup: false }, fixed: {} },
  B04: { era: '2.6.25', title: 'get_mempolicy(MPOL_F_ADDR) on shmem leaks a reference', buggy: { getMempolicyDropsLookup: false }, fixed: {} },
  B05: { era: '2.6.25', title: 'the interleave branch of alloc_page_vma keeps the reference get_vma_policy added', buggy: { interleaveDrops: false }, fixed: {} },
  B07: { era: '3.6', title: 'shmem swap-in readahead drops one lookup reference per page', buggy: { shmemSwapinCopy: false }, fixed: {} },
  B08: { era: '3.6', title: 'shared_policy_replace reads a tree node after dropping the tree lock', buggy: { spReplace: 'unlock-alloc' }, fixed: {} },
  B09: { era: '3.6', title: 'a failed split leaks the new node\'s policy reference', buggy: { spFreeOnError: false }, fixed: {} },
  B11: { era: '3.6', title: 'one policy object flagged shared and installed in a private VMA', buggy: { copies: false }, fixed: {} },
  B12: { era: '3.17', title: 'shmem_alloc_page leaves its lookup reference behind', buggy: { shmemAllocDropsLookup: false }, fixed: {} },
  B13: { era: '3.6', title: 'the exit path frees the task policy while numa_maps uses it', buggy: { numaMapsTaskPolicy: 'mmap_sem' }, fixed: {} },
  B14: {
    era: '3.17',
    title: 'the 3.7 tree mutex is taken under task_lock',
    buggy: { spLock: 'mutex', spReplace: 'alloc-locked', numaMapsTaskLock: true },
    fixed: {},
  },
  B15: {
    era: '3.17',
    title: 'after exec, the target\'s set_mempolicy takes another mmap_sem than numa_maps holds',
    buggy: { numaMapsTaskPolicy: 'pin-fallback', setMempolicyLock: 'mmap_sem' },
    fixed: {},
  },
  B16: { era: '3.17', title: 'get_mempolicy drops mmap_sem before it is done with a VMA policy (CVE-2018-10675)', buggy: { getMempolicyEarlyUnlock: true }, fixed: {} },
  B18: { era: '3.17', title: 'a pre-allocated policy is freed with an uninitialised count (CVE-2022-49080)', buggy: { spPreallocInitRef: false }, fixed: {} },
};
