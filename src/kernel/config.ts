/**
 * The static description of an emulated machine, as the kernel sees it after boot: nodes, CPUs,
 * memory, SLIT distances, table sizes and the kernel profile. It is plain data, identical in
 * every thread, and never changes while the machine runs.
 */

/** One NUMA node after validation. */
export interface NodeConfig {
  readonly id: number;
  readonly cpus: readonly number[];
  /** Page frames on this node (0 for a memoryless node). */
  readonly pages: number;
  /** First pfn of this node; node ranges do not overlap and start on a section boundary. */
  readonly basePfn: number;
}

/** Sizes of the kernel's tables, fixed at machine creation. */
export interface KernelLimits {
  /** Address spaces (processes) alive at once. */
  readonly maxMms: number;
  /** Tasks alive at once. */
  readonly maxTasks: number;
  /** VMAs per mm (the kernel's vm.max_map_count, much smaller here). */
  readonly maxVmas: number;
  /** Page-table pages (PUD, PMD and PTE tables of every mm; each PGD is its mm's own). */
  readonly pageTables: number;
  /** mempolicy objects alive at once. */
  readonly policySlots: number;
  /** shmem objects alive at once. */
  readonly inodes: number;
  /** 512-slot xarray blocks for page indexes. */
  readonly xaBlocks: number;
  /** Directory entries and open file descriptions (each). */
  readonly files: number;
  /** 4 KiB blocks of the disk under the files. */
  readonly diskBlocks: number;
  /** 4 KiB slots of the swap device. */
  readonly swapSlots: number;
}

export interface KernelConfig {
  /** Kernel profile name (see profiles.ts). */
  readonly profile: string;
  /** Nodes in ascending id order. */
  readonly nodes: readonly NodeConfig[];
  /** SLIT distances, `distance[i][j]` between `nodes[i]` and `nodes[j]`. */
  readonly distance: readonly (readonly number[])[];
  readonly limits: KernelLimits;
  /** Seed of every pseudo-random choice the machine makes. */
  readonly seed: number;
  /** vm.page-cluster: log2 of the pages a swap fault brings in together. */
  readonly pageCluster: number;
}

/** log2 of the pages in a memory section; node pfn ranges are section aligned. */
export const SECTION_SHIFT = 8;
