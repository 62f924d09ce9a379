/**
 * UAPI constants with the kernel's names and numeric values (include/uapi/linux/mempolicy.h,
 * include/uapi/asm-generic/mman-common.h, mman.h). Internal flags are kept apart from the user
 * ones so that nothing internal leaks through get_mempolicy.
 */
export declare const MPOL_DEFAULT = 0;
export declare const MPOL_PREFERRED = 1;
export declare const MPOL_BIND = 2;
export declare const MPOL_INTERLEAVE = 3;
export declare const MPOL_LOCAL = 4;
export declare const MPOL_PREFERRED_MANY = 5;
export declare const MPOL_WEIGHTED_INTERLEAVE = 6;
/** Sentinel of today's kernel; each profile carries its own (4 in 2.6.x). */
export declare const MPOL_MAX = 7;
export declare const MPOL_F_NUMA_BALANCING: number;
export declare const MPOL_F_RELATIVE_NODES: number;
export declare const MPOL_F_STATIC_NODES: number;
export declare const MPOL_MODE_FLAGS: number;
export declare const MPOL_F_NODE: number;
export declare const MPOL_F_ADDR: number;
export declare const MPOL_F_MEMS_ALLOWED: number;
export declare const MPOL_MF_STRICT: number;
export declare const MPOL_MF_MOVE: number;
export declare const MPOL_MF_MOVE_ALL: number;
export declare const MPOL_MF_LAZY: number;
export declare const MPOL_MF_INTERNAL: number;
export declare const MPOL_MF_VALID: number;
/** Internal mbind flags (never accepted from user space). */
export declare const MPOL_MF_DISCONTIG_OK: number;
/** Internal policy flags kept in mempolicy->flags beside the mode flags. */
export declare const MPOL_F_SHARED: number;
export declare const MPOL_F_MOF: number;
export declare const MPOL_F_MORON: number;
/** Size of the kernel's nodemask_t, used for argument validation. */
export declare const MAX_NUMNODES = 1024;
export declare const BITS_PER_LONG = 64;
export declare const PAGE_SHIFT = 12;
export declare const PAGE_SIZE: number;
/** No node (NUMA_NO_NODE). */
export declare const NUMA_NO_NODE = -1;
export declare const PROT_NONE = 0;
export declare const PROT_READ = 1;
export declare const PROT_WRITE = 2;
export declare const PROT_EXEC = 4;
export declare const MAP_SHARED = 1;
export declare const MAP_PRIVATE = 2;
export declare const MAP_SHARED_VALIDATE = 3;
export declare const MAP_TYPE = 15;
export declare const MAP_FIXED = 16;
export declare const MAP_ANONYMOUS = 32;
export declare const MAP_GROWSDOWN = 256;
export declare const MAP_NORESERVE = 16384;
export declare const MAP_POPULATE = 32768;
export declare const MAP_FIXED_NOREPLACE = 1048576;
export declare const CAP_SYS_NICE = 23;
export declare const CAP_SYS_RESOURCE = 24;
export declare const IPC_PRIVATE = 0;
export declare const IPC_CREAT = 512;
export declare const IPC_EXCL = 1024;
export declare const IPC_RMID = 0;
export declare const IPC_SET = 1;
export declare const IPC_STAT = 2;
export declare const SHM_RDONLY = 4096;
export declare const SHM_RND = 8192;
export declare const SHM_REMAP = 16384;
export declare const SHM_EXEC = 32768;
export declare const SHM_DEST = 512;
export declare const SHM_HUGETLB = 2048;
/** SHMLBA: attach addresses are multiples of this (a page on x86). */
export declare const SHMLBA: number;
export declare const O_RDONLY = 0;
export declare const O_WRONLY = 1;
export declare const O_RDWR = 2;
export declare const O_ACCMODE = 3;
export declare const O_CREAT = 64;
export declare const O_EXCL = 128;
export declare const O_TRUNC = 512;
export declare const O_APPEND = 1024;
/** Pages reclaim isolates and works on at once, and direct reclaim asks of a node per round. */
export declare const SWAP_CLUSTER_MAX = 32;
/** The largest vm.page-cluster: a swap fault brings in at most 2^5 pages. */
export declare const MAX_PAGE_CLUSTER = 5;
