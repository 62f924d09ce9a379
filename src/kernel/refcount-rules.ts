/**
 * The reference-counting and locking rules of struct mempolicy, era by era, as data.
 *
 * The kernel's code paths ask these switches (kn.profile.rc.*), never a version. An era row
 * gives that era's mechanisms (who takes a reference on a lookup, whether policies are shared or
 * copied, which lock guards a task's policy, how the shared-policy tree is locked and split) with
 * the era's own catalogued bugs fixed; a bug's variant (bug-variants.ts) changes the one rule the
 * bug broke. Eras follow ../shared/notes/race-catalog.md, section 2.
 */

/** The switches (each documented with the bugs that hinge on it). */
export interface RefcountRules {
  /** Era label for messages. */
  readonly era: string;
  /**
   * Era 1 (480eccf9ae10): get_vma_policy takes a reference on any VMA policy (a shmem pseudo-VMA's
   * too) and on another task's policy; callers drop what they got. (B05, B01 form b.)
   */
  readonly vmaPolicyRefs: boolean;
  /**
   * Era 2+ (52cd3b074050): only shared policies carry a transient reference; MPOL_F_SHARED marks
   * them and every user ends with mpol_cond_put. Before, the caller knows from where it looked.
   */
  readonly sharedFlag: boolean;
  /** Era 3+ (00442ad04a5e): get_vma_policy takes a reference for a pseudo-VMA's shared policy. */
  readonly pseudoVmaRef: boolean;
  /**
   * Each VMA and each tree range owns a copy of the policy (869833f2c5c6, 3.7). Off: one object
   * shared by mbind into every VMA and the tree, flagged shared by the tree (B11).
   */
  readonly copies: boolean;
  /** What set_mempolicy holds while replacing the task policy (B01: none; 2.6.26: mmap_sem for write and task_lock inside it; 3.18: task_lock alone). */
  readonly setMempolicyLock: 'none' | 'mmap_sem' | 'task_lock';
  /**
   * How numa_maps reaches another task's policy: 'unlocked' (no lock, no reference: B01 form a),
   * 'unlocked-ref' (a reference taken after an unprotected load: B01 form b), 'mmap_sem' (the live
   * pointer under the target mm's mmap_sem: B13), 'pin-fallback' (a snapshot pinned at m_start,
   * but the live pointer still read for VMAs without a policy: B15), 'snapshot' (3.18+).
   */
  readonly numaMapsTaskPolicy: 'unlocked' | 'unlocked-ref' | 'mmap_sem' | 'pin-fallback' | 'snapshot';
  /** numa_maps holds task_lock around its policy lookup (Rientjes' interim 3.7 fix; B14). */
  readonly numaMapsTaskLock: boolean;
  /** numa_maps drops the reference a shared lookup took (B02 when false). */
  readonly numaMapsDropsLookup: boolean;
  /** alloc_page_vma drops the lookup reference of a shmem VMA (B03 through new_vma_page when false). */
  readonly allocVmaDropsLookup: boolean;
  /** get_mempolicy(MPOL_F_ADDR) drops the lookup reference (B04 when false). */
  readonly getMempolicyDropsLookup: boolean;
  /** The interleave branch of alloc_page_vma drops what get_vma_policy gave (B05 when false). */
  readonly interleaveDrops: boolean;
  /** shmem swap-in readahead allocates with an unshared copy (mpol_cond_assign); B07 when false. */
  readonly shmemSwapinCopy: boolean;
  /** shmem_alloc_page drops its own lookup reference after allocating (era 2: the allocator does; B12). */
  readonly shmemAllocDropsLookup: boolean;
  /** The shared-policy tree's lock: spinlock_t (to 3.6, 3.8+), a mutex (3.7: B14), rwlock_t (today). */
  readonly spLock: 'spinlock' | 'mutex' | 'rwlock';
  /**
   * How shared_policy_replace gets the node for a split: 'unlock-alloc' (drop the lock, allocate
   * from the spanning node, restart: B08), 'alloc-locked' (allocate under the 3.7 mutex),
   * 'prealloc' (3.8+: allocate a spare node and policy unlocked, restart, fill under the lock).
   */
  readonly spReplace: 'unlock-alloc' | 'alloc-locked' | 'prealloc';
  /** The pre-allocated spare policy gets its count set (4ad099559b00; B18 when false). */
  readonly spPreallocInitRef: boolean;
  /** A node freed on mpol_set_shared_policy's error path drops its policy reference (63f74ca21f1f; B09). */
  readonly spFreeOnError: boolean;
  /** do_get_mempolicy drops mmap_sem before it is done with the policy (B16, CVE-2018-10675). */
  readonly getMempolicyEarlyUnlock: boolean;
}

/** Era 0: up to 2.6.22. */
export const ERA_0: RefcountRules = {
  era: 'era 0 (<= 2.6.22)',
  vmaPolicyRefs: false,
  sharedFlag: false,
  pseudoVmaRef: false,
  copies: false,
  setMempolicyLock: 'mmap_sem',
  numaMapsTaskPolicy: 'mmap_sem',
  numaMapsTaskLock: false,
  numaMapsDropsLookup: true,
  allocVmaDropsLookup: true,
  getMempolicyDropsLookup: true,
  interleaveDrops: true,
  shmemSwapinCopy: true,
  shmemAllocDropsLookup: true,
  spLock: 'spinlock',
  spReplace: 'prealloc',
  spPreallocInitRef: true,
  spFreeOnError: true,
  getMempolicyEarlyUnlock: false,
};

/** Era 1: 2.6.23 to 2.6.25. */
export const ERA_1: RefcountRules = { ...ERA_0, era: 'era 1 (2.6.23-2.6.25)', vmaPolicyRefs: true };

/** Era 2: 2.6.26 to 3.6. */
export const ERA_2: RefcountRules = {
  ...ERA_0,
  era: 'era 2 (2.6.26-3.6)',
  sharedFlag: true,
  copies: true,
  numaMapsTaskPolicy: 'pin-fallback',
  shmemAllocDropsLookup: false,
};

/** Era 3: 3.7 to 3.17. */
export const ERA_3: RefcountRules = {
  ...ERA_2,
  era: 'era 3 (3.7-3.17)',
  pseudoVmaRef: true,
  setMempolicyLock: 'task_lock',
  numaMapsTaskPolicy: 'snapshot',
  shmemAllocDropsLookup: true,
};

/** Today (3.18 onwards, with the 2017 and 2022 fixes): the default profile's rules. */
export const ERA_TODAY: RefcountRules = { ...ERA_3, era: 'today', spLock: 'rwlock' };
