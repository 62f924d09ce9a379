/**
 * UAPI constants with the kernel's names and numeric values (include/uapi/linux/mempolicy.h,
 * include/uapi/asm-generic/mman-common.h, mman.h). Internal flags are kept apart from the user
 * ones so that nothing internal leaks through get_mempolicy.
 */

// Policy modes.
export const MPOL_DEFAULT = 0;
export const MPOL_PREFERRED = 1;
export const MPOL_BIND = 2;
export const MPOL_INTERLEAVE = 3;
export const MPOL_LOCAL = 4;
export const MPOL_PREFERRED_MANY = 5;
export const MPOL_WEIGHTED_INTERLEAVE = 6;
/** Sentinel of today's kernel; each profile carries its own (4 in 2.6.x). */
export const MPOL_MAX = 7;

// Mode flags, or-ed into the mode argument.
export const MPOL_F_NUMA_BALANCING = 1 << 13;
export const MPOL_F_RELATIVE_NODES = 1 << 14;
export const MPOL_F_STATIC_NODES = 1 << 15;
export const MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;

// get_mempolicy flags.
export const MPOL_F_NODE = 1 << 0;
export const MPOL_F_ADDR = 1 << 1;
export const MPOL_F_MEMS_ALLOWED = 1 << 2;

// mbind flags.
export const MPOL_MF_STRICT = 1 << 0;
export const MPOL_MF_MOVE = 1 << 1;
export const MPOL_MF_MOVE_ALL = 1 << 2;
export const MPOL_MF_LAZY = 1 << 3;
export const MPOL_MF_INTERNAL = 1 << 4;
export const MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

/** Internal mbind flags (never accepted from user space). */
export const MPOL_MF_DISCONTIG_OK = MPOL_MF_INTERNAL << 0;
/** Queue the pages outside the node mask (mbind) rather than those on it (migrate_pages). */
export const MPOL_MF_INVERT = MPOL_MF_INTERNAL << 1;

/** Internal policy flags kept in mempolicy->flags beside the mode flags. */
export const MPOL_F_SHARED = 1 << 0;
export const MPOL_F_MOF = 1 << 3;
export const MPOL_F_MORON = 1 << 4;

/** Size of the kernel's nodemask_t, used for argument validation. */
export const MAX_NUMNODES = 1024;
export const BITS_PER_LONG = 64;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** No node (NUMA_NO_NODE). */
export const NUMA_NO_NODE = -1;

// mmap protections and flags (x86-64 values).
export const PROT_NONE = 0x0;
export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const PROT_EXEC = 0x4;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x0100;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_FIXED_NOREPLACE = 0x100000;

// Capabilities (bit numbers of include/uapi/linux/capability.h), kept as a bit mask per task.
export const CAP_SYS_RAWIO = 17;
export const CAP_SYS_PTRACE = 19;
export const CAP_SYS_NICE = 23;
export const CAP_SYS_RESOURCE = 24;

// SysV IPC (include/uapi/linux/ipc.h, shm.h).
export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const SHM_RDONLY = 0o10000;
export const SHM_RND = 0o20000;
export const SHM_REMAP = 0o40000;
export const SHM_EXEC = 0o100000;
export const SHM_DEST = 0o1000;
export const SHM_HUGETLB = 0o4000;
/** SHMLBA: attach addresses are multiples of this (a page on x86). */
export const SHMLBA = PAGE_SIZE;

// open(2) flags (x86-64).
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;

/** Pages reclaim isolates and works on at once, and direct reclaim asks of a node per round. */
export const SWAP_CLUSTER_MAX = 32;

/** The largest vm.page-cluster: a swap fault brings in at most 2^5 pages. */
export const MAX_PAGE_CLUSTER = 5;
