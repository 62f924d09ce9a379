/**
 * The catalogue of historical mempolicy refcount and locking bugs the race engine reproduces
 * (../shared/notes/race-catalog.md): for each, the versions that had it, the fix, the kind of
 * report its buggy variant gives, the tasks and the depth (ordering constraints) of its minimal
 * interleaving, the directed schedule that forces it, and its scenario module (src/race/bugs/).
 * The kernel side of each bug (its era and the rule it broke) is src/kernel/bug-variants.ts.
 */
import { fileURLToPath } from 'node:url';
import { BUG_VARIANTS } from '../kernel/bug-variants.js';
import { type ReportKind } from '../sched/detect.js';

/** One catalogued bug. */
export interface BugEntry {
  readonly id: string;
  readonly name: string;
  readonly versions: string;
  /** Fix commit and title. */
  readonly fix: string;
  /** The report the buggy variant gives. */
  readonly kind: ReportKind;
  readonly tasks: number;
  /** PCT depth d (ordering constraints) and preemptions of the minimal interleaving. */
  readonly depth: number;
  readonly preemptions: number;
  /** The directed schedule from the catalogue ("T1@site > T2 > T1"). */
  readonly directed: string;
  /**
   * The campaign strategy that finds it best (default 'pct'). B15 needs three switches, two of
   * them between its own points, which PCT of depth 3 cannot make (its second priority change
   * can hand back to T1 but not away again): a random walk over its focus sites finds it.
   */
  readonly strategy?: 'random' | 'pct';
  /** The era profile (from bug-variants.ts). */
  readonly era: string;
  readonly title: string;
  /** Absolute path of the scenario module. */
  readonly module: string;
}

type Row = Omit<BugEntry, 'era' | 'title' | 'module'>;

// B15's catalogue entry counts 2 preemptions; the interleaving needs 3 (T2 must also stop between
// its two set_mempolicy calls), which is what the shrinker finds and what is recorded here.

const ROWS: Row[] = [
  { id: 'B01', name: 'numa-maps-task-setpol-uaf', versions: '2.6.14 - 2.6.22 (form a)', fix: '(2.6.26) mempolicy: write lock mmap_sem while changing task mempolicy', kind: 'use-after-free', tasks: 2, depth: 2, preemptions: 1, strategy: 'random', directed: 'T1@get_vma_policy:after_task_policy_load > T2 > T1' },
  { id: 'B01b', name: 'numa-maps-task-setpol-uaf', versions: '2.6.23 - 2.6.25 (form b)', fix: '(2.6.26) mempolicy: write lock mmap_sem while changing task mempolicy', kind: 'use-after-free', tasks: 2, depth: 2, preemptions: 1, strategy: 'random', directed: 'T1@get_vma_policy:after_task_policy_load > T2 > T1' },
  { id: 'B02', name: 'numa-maps-shared-ref-leak', versions: '<= 2.6.22', fix: '480eccf9ae10 Fix NUMA Memory Policy Reference Counting', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B03', name: 'migrate-new-vma-page-shared-leak', versions: '2.6.16 - 2.6.22', fix: '480eccf9ae10 Fix NUMA Memory Policy Reference Counting', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B04', name: 'get-mempolicy-addr-shared-leak', versions: '<= 2.6.25', fix: '52cd3b074050 mempolicy: rework mempolicy Reference Counting [yet again]', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B05', name: 'alloc-vma-interleave-ref-leak', versions: '2.6.23 - 2.6.25', fix: '52cd3b074050 mempolicy: rework mempolicy Reference Counting [yet again]', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B07', name: 'shmem-swapin-readahead-over-unref', versions: 'a hazard named in seed 003 (2.6.26 avoided it)', fix: '52cd3b074050 mpol_cond_assign (later mpol_cond_copy)', kind: 'over-unref', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B08', name: 'shared-policy-replace-unlocked-node', versions: '< 2.6.12 - 3.6', fix: 'b22d127a39dd mempolicy: fix a race in shared_policy_replace()', kind: 'use-after-free', tasks: 2, depth: 2, preemptions: 1, strategy: 'random', directed: 'T1@shared_policy_replace:after_unlock_for_alloc > T2 > T1' },
  { id: 'B09', name: 'set-shared-policy-enomem-leak', versions: '< 2.6.12 - 3.6', fix: '63f74ca21f1f mempolicy: fix refcount leak in mpol_set_shared_policy()', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1 fault=T1@slab:sp_node#2' },
  { id: 'B11', name: 'mbind-shared-flag-private-vma-over-unref', versions: '2.6.26 - 3.6', fix: '869833f2c5c6 mempolicy: remove mempolicy sharing', kind: 'over-unref', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B12', name: 'shmem-alloc-page-lookup-ref-leak', versions: '3.7-rc (00442ad04a5e) - Dec 2012', fix: '18a2f371f5ed tmpfs: fix shared mempolicy leak', kind: 'leak', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B13', name: 'numa-maps-task-exit-uaf', versions: '2.6.26 - 3.6', fix: '9e7814404b77 hold task->mempolicy while numa_maps scans.', kind: 'use-after-free', tasks: 2, depth: 2, preemptions: 1, strategy: 'random', directed: 'T1@get_vma_policy:after_task_policy_load > T2 > T1' },
  { id: 'B14', name: 'shared-policy-sleeping-lock-in-atomic', versions: '3.7-rc1 - 3.8-rc', fix: '42288fe366c4 mm: mempolicy: Convert shared_policy mutex to spinlock', kind: 'lock-context', tasks: 1, depth: 1, preemptions: 0, directed: 'T1' },
  { id: 'B15', name: 'numa-maps-exec-setpol-uaf', versions: '3.7 - 3.17', fix: '(3.18) mempolicy: fix show_numa_map() vs exec() + do_set_mempolicy() race', kind: 'use-after-free', tasks: 2, depth: 3, preemptions: 3, strategy: 'random', directed: 'T1@numa_maps:after_m_start > T2@do_set_mempolicy:replace#2 > T1@get_vma_policy:after_task_policy_load > T2 > T1' },
  { id: 'B16', name: 'get-mempolicy-early-unlock-uaf', versions: '2.6.24 - 4.12.8', fix: '73223e4e2e38 mm/mempolicy: fix use after free when calling get_mempolicy (CVE-2018-10675)', kind: 'use-after-free', tasks: 2, depth: 2, preemptions: 1, directed: 'T1@do_get_mempolicy:after_early_unlock > T2 > T1' },
  { id: 'B18', name: 'shared-policy-replace-uninit-refcnt-leak', versions: '3.8 - 5.17', fix: '4ad099559b00 mm/mempolicy: fix mpol_new leak in shared_policy_replace (CVE-2022-49080)', kind: 'uninitialised', tasks: 2, depth: 2, preemptions: 1, directed: 'T1@shared_policy_replace:after_prealloc > T2 > T1' },
];

/** The catalogue, in id order. */
export const BUGS: readonly BugEntry[] = ROWS.map((r) => {
  const v = BUG_VARIANTS[r.id];
  if (v === undefined) throw new Error(`numa-emu BUG: bug ${r.id} has no kernel variant`);
  return { ...r, era: v.era, title: v.title, module: fileURLToPath(new URL(`./bugs/${r.id.toLowerCase()}.js`, import.meta.url)) };
});

/** A catalogued bug by id (case-insensitive), or undefined. */
export function findBug(id: string): BugEntry | undefined {
  return BUGS.find((b) => b.id.toLowerCase() === id.toLowerCase());
}
