/**
 * Kernel profiles: named tables of switches, one per kernel behaviour that changed over the
 * years. Code asks a switch (`kn.profile.bindOrder`), never a version number, so a historical
 * variant is a row of data. Differences follow ../shared/notes/linux-facts.md and the seeds.
 */
import { CAP_SYS_NICE, CAP_SYS_RESOURCE, MPOL_MF_LAZY, MPOL_MF_STRICT, MPOL_MF_VALID } from './constants.js';
import { ERA_0, ERA_1, ERA_2, ERA_3, ERA_TODAY, type RefcountRules } from './refcount-rules.js';
import { BUG_VARIANTS } from './bug-variants.js';

export interface KernelProfile {
  readonly name: string;
  readonly summary: string;
  /** MPOL_MAX: a mode at or above it is EINVAL (4 in 2.6.x: no local, no preferred-many). */
  readonly mpolMax: number;
  /** MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exist (2.6.26). */
  readonly modeFlags: boolean;
  /** MPOL_F_NUMA_BALANCING exists (5.12). */
  readonly numaBalancingFlag: boolean;
  /** Flags user space may pass to mbind: STRICT alone before 2.6.16. */
  readonly mbindFlags: number;
  /** get_mempolicy knows MPOL_F_MEMS_ALLOWED (2.6.24). */
  readonly memsAllowedFlag: boolean;
  /** mbind reads and checks the node mask before the range checks (today) or after (2.6.7). */
  readonly mbindNodesFirst: boolean;
  /**
   * Node masks: 'strict' (2.6.x) wants every node given to be online, else EINVAL; 'intersect'
   * (today) ANDs with the allowed memory nodes and fails only on an empty result.
   */
  readonly nodemaskCheck: 'strict' | 'intersect';
  /** BIND allocates in node-id order (<= 2.6.25) or from the nearest allowed node. */
  readonly bindOrder: 'node-id' | 'nearest';
  /** get_mempolicy of a local policy: mode 1 with every memory node, mode 1 empty, or mode 4. */
  readonly localReport: 'preferred-all' | 'preferred-empty' | 'local';
  /** Least maxnode get_mempolicy accepts with a mask: MAX_NUMNODES (2.6.x) or nr_node_ids. */
  readonly getMaxnodeMin: 'MAX_NUMNODES' | 'nr_node_ids';
  /** vm_pgoff of a private anonymous mapping: 0 (2.6.7: interleave by offset in the mapping) or its virtual page. */
  readonly anonPgoff: 'zero' | 'vaddr';
  /** mbind(MPOL_DEFAULT) accepts a range with holes (MPOL_MF_DISCONTIG_OK, 2.6.16). */
  readonly defaultSkipsHoles: boolean;
  /**
   * Seed 000 (never merged upstream): files have a shared-policy tree; mbind on a file mapping
   * sets it and page-cache allocation obeys it.
   */
  readonly filePolicy: boolean;
  /** /proc/<pid>/numa_maps: absent (before 2.6.14) or its format. */
  readonly numaMaps: null | { readonly sep: '=' | ':'; readonly kernelPageSize: boolean };
  /**
   * How mbind(MPOL_MF_MOVE) moves misplaced pages: 'direct' migration (2.6.16 on), 'swap' (seed
   * 001: swapped out, placed again by the policy on the next touch), or 'none' (no MOVE flag).
   */
  readonly migrateMode: 'none' | 'swap' | 'direct';
  /** The capability MPOL_MF_MOVE_ALL (and migrate_pages of shared pages) needs: CAP_SYS_RESOURCE until 2.6.16, then CAP_SYS_NICE. */
  readonly moveAllCap: number;
  /**
   * Which pages MOVE without MOVE_ALL leaves alone as shared: 'mapcount' (mapped more than once),
   * or seed 001's rule (anonymous pages and pages of a writably shared inode always move; other
   * inode pages only when no other mm maps the inode).
   */
  readonly sharedPageRule: 'mapcount' | 'seed-001';
  /** SysV segments can be migrated (seed 001's vma_migratable refused VM_SHM). */
  readonly shmMigratable: boolean;
  /** migrate_pages(2) exists (2.6.16); else ENOSYS. */
  readonly migratePagesSyscall: boolean;
  /** move_pages(2) exists (2.6.18); else ENOSYS. */
  readonly movePagesSyscall: boolean;
  /**
   * Who may migrate another process's pages: 'uid' (the caller's uid or euid is the target's uid
   * or saved uid, or the moveAllCap capability; until 4.12) or 'ptrace' (PTRACE_MODE_READ_REALCREDS).
   */
  readonly migratePermission: 'uid' | 'ptrace';
  /**
   * Seed 004 (never merged in that form): mbind(MOVE | MPOL_MF_LAZY) only unmaps misplaced pages,
   * and a fault that finds a cached page nobody maps migrates it where the policy says.
   */
  readonly migrateOnFault: boolean;
  /** The reference-counting and locking rules of struct mempolicy (refcount-rules.ts). */
  readonly rc: RefcountRules;
}

const V6_12: KernelProfile = {
  name: '6.12',
  summary: 'today\'s kernel (default)',
  mpolMax: 7,
  modeFlags: true,
  numaBalancingFlag: true,
  mbindFlags: MPOL_MF_VALID,
  memsAllowedFlag: true,
  mbindNodesFirst: true,
  nodemaskCheck: 'intersect',
  bindOrder: 'nearest',
  localReport: 'local',
  getMaxnodeMin: 'nr_node_ids',
  anonPgoff: 'vaddr',
  defaultSkipsHoles: true,
  filePolicy: false,
  numaMaps: { sep: ':', kernelPageSize: true },
  migrateMode: 'direct',
  moveAllCap: CAP_SYS_NICE,
  sharedPageRule: 'mapcount',
  shmMigratable: true,
  migratePagesSyscall: true,
  movePagesSyscall: true,
  migratePermission: 'ptrace',
  migrateOnFault: false,
  rc: ERA_TODAY,
};

const V2_6_7: KernelProfile = {
  name: '2.6.7',
  summary: 'the original NUMA API of seed 002 (Andi Kleen, 2004)',
  mpolMax: 4,
  modeFlags: false,
  numaBalancingFlag: false,
  mbindFlags: MPOL_MF_STRICT,
  memsAllowedFlag: false,
  mbindNodesFirst: false,
  nodemaskCheck: 'strict',
  bindOrder: 'node-id',
  localReport: 'preferred-all',
  getMaxnodeMin: 'MAX_NUMNODES',
  anonPgoff: 'zero',
  defaultSkipsHoles: false,
  filePolicy: false,
  numaMaps: null,
  migrateMode: 'none',
  moveAllCap: CAP_SYS_RESOURCE,
  sharedPageRule: 'mapcount',
  shmMigratable: true,
  migratePagesSyscall: false,
  movePagesSyscall: false,
  migratePermission: 'uid',
  migrateOnFault: false,
  rc: ERA_0,
};

/**
 * The four historical eras of the mempolicy reference-counting rules (race-catalog.md, section
 * 2), each with the API of its time: 2.6.22 (before 480eccf9ae10), 2.6.25 (480eccf9ae10's extra
 * references), 3.6 (52cd3b074050: only shared policies counted, mmap_sem for the task policy),
 * 3.17 (the 2012 fixes: copies, a pinned numa_maps snapshot). Each row has its era's own
 * catalogued bugs fixed; a bug's variant breaks one rule (bugs.ts).
 */
const V2_6_22: KernelProfile = {
  ...V2_6_7,
  name: '2.6.22',
  summary: 'mempolicy refcount era 0 (up to 2.6.22): only shmem lookups take a reference',
  mbindFlags: MPOL_MF_VALID,
  defaultSkipsHoles: true,
  anonPgoff: 'vaddr',
  numaMaps: { sep: '=', kernelPageSize: false },
  migrateMode: 'direct',
  moveAllCap: CAP_SYS_NICE,
  migratePagesSyscall: true,
  movePagesSyscall: true,
  rc: ERA_0,
};
const V2_6_25: KernelProfile = {
  ...V2_6_22,
  name: '2.6.25',
  summary: 'mempolicy refcount era 1 (2.6.23-2.6.25): get_vma_policy references VMA and other tasks\' policies',
  memsAllowedFlag: true,
  rc: ERA_1,
};
const V3_6: KernelProfile = {
  ...V2_6_25,
  name: '3.6',
  summary: 'mempolicy refcount era 2 (2.6.26-3.6): only shared policies are counted; mmap_sem guards task policies',
  modeFlags: true,
  bindOrder: 'nearest',
  localReport: 'preferred-empty',
  nodemaskCheck: 'intersect',
  numaMaps: { sep: ':', kernelPageSize: false },
  rc: ERA_2,
};
const V3_17: KernelProfile = {
  ...V3_6,
  name: '3.17',
  summary: 'mempolicy refcount era 3 (3.7-3.17): policy copies per VMA and range, numa_maps pins a snapshot',
  mpolMax: 5,
  rc: ERA_3,
};

const PROFILES: Record<string, KernelProfile> = {
  '6.12': V6_12,
  '2.6.7': V2_6_7,
  // Seed 000 on top of 2.6.7 (never merged upstream).
  '2.6.8-rc3+file-policy': {
    ...V2_6_7,
    name: '2.6.8-rc3+file-policy',
    summary: 'seed 000: file mappings with shared policies that place the page cache (never merged upstream)',
    filePolicy: true,
  },
  '2.6.22': V2_6_22,
  '2.6.25': V2_6_25,
  '3.6': V3_6,
  '3.17': V3_17,
  // Seed 001 on top of 2.6.7, with the numa_maps of 2.6.14.
  '2.6.14-rc4-mm1': {
    ...V2_6_7,
    name: '2.6.14-rc4-mm1',
    summary: 'seed 001: mbind MPOL_MF_MOVE / MOVE_ALL by swapping misplaced pages out (swap migration, 2005)',
    mbindFlags: MPOL_MF_VALID,
    defaultSkipsHoles: true,
    numaMaps: { sep: '=', kernelPageSize: false },
    migrateMode: 'swap',
    sharedPageRule: 'seed-001',
    shmMigratable: false,
  },
  // Seed 004 on top of 2.6.16's direct migration (never merged in that form).
  '2.6.16-rc5+migrate-on-fault': {
    ...V2_6_7,
    name: '2.6.16-rc5+migrate-on-fault',
    summary: 'seed 004: direct migration plus MPOL_MF_LAZY and migrate-on-fault (never merged in that form)',
    mbindFlags: MPOL_MF_VALID | MPOL_MF_LAZY,
    defaultSkipsHoles: true,
    numaMaps: { sep: '=', kernelPageSize: false },
    migrateMode: 'direct',
    migratePagesSyscall: true,
    migrateOnFault: true,
  },
};

/** Names of the profiles, default first. */
export const PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);
export const DEFAULT_PROFILE = '6.12';

/**
 * The profile called `name`, or undefined. `bug:<id>` and `fixed:<id>` name the two variants of a
 * catalogued bug (bug-variants.ts): its era's row with the bug's rule broken, or with its fix.
 */
export function findProfile(name: string): KernelProfile | undefined {
  if (Object.hasOwn(PROFILES, name)) return PROFILES[name];
  return variantProfile(name);
}

function variantProfile(name: string): KernelProfile | undefined {
  const m = /^(bug|fixed):(B\d\d[a-z]?)$/.exec(name);
  const v = m ? BUG_VARIANTS[m[2]] : undefined;
  if (v === undefined) return undefined;
  const base = PROFILES[v.era];
  const rc = m![1] === 'bug' ? v.buggy : v.fixed;
  return { ...base, name, summary: `${v.title} (${m![1] === 'bug' ? 'buggy' : 'fixed'}, ${v.era} rules)`, rc: { ...base.rc, ...rc } };
}
