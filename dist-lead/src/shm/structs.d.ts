/** Kernel header. Counters are atomics; the slab and table locks are spinlocks. */
export declare const KHDR: import("./layout.js").Struct<"MAGIC" | "NEXT_PID" | "NEXT_ANON_VMA" | "NEXT_INO" | "SLAB_LOCK" | "SLAB_FREE" | "SLAB_LIVE" | "TABLE_LOCK" | "XA_LOCK" | "XA_FREE" | "WARN_REFCOUNT" | "OOM_KILLS" | "DIR_LOCK" | "IPC_LOCK" | "NEXT_IPC_SEQ" | "PSWPIN" | "PSWPOUT" | "PGSCAN_KSWAPD" | "PGSCAN_DIRECT" | "PGSTEAL_KSWAPD" | "PGSTEAL_DIRECT" | "PGREFILL" | "ALLOCSTALL" | "RECLAIM_THROTTLE" | "MM_HIGH">;
export declare const KERNEL_MAGIC = 1314213185;
/**
 * struct mempolicy. REFCNT is atomic (mpolGet/mpolPut). The other fields are written only while
 * the policy is private to its creator (before it is published in a task, VMA or shared tree), so
 * readers need no lock; a published policy is never modified, only replaced.
 */
export declare const POL: import("./layout.js").Struct<"REFCNT" | "MODE" | "FLAGS" | "NODES_LO" | "NODES_HI" | "USER_LO" | "USER_HI" | "HOME_NODE" | "NEXT_FREE" | "GEN">;
/**
 * struct task_struct (the part numa-emu needs). POLICY and IL_PREV are written by the task
 * itself with its mm's mmap_sem held for write (set_mempolicy) or read (interleave counter, which
 * only the task itself advances). CPU is written by setAffinity and read by the task (atomic).
 */
export declare const TASK: import("./layout.js").Struct<"STATE" | "TID" | "TGID" | "MM" | "CPU" | "POLICY" | "IL_PREV" | "UID" | "EUID" | "CAPS" | "FILES">;
export declare const TASK_RUNNING = 1;
export declare const TASK_DEAD = 2;
/** struct mm_struct. SEM is mmap_sem; the VMA array and page table of this mm are under it. */
export declare const MM: import("./layout.js").Struct<"STATE" | "PID" | "USERS" | "SEM" | "SEM_WAITERS" | "NR_VMAS" | "PTL">;
/**
 * An inode: the object behind a shared mapping, a SysV segment or a file (its address_space).
 * REFS (atomic) counts every holder: mapping VMAs, open files, a directory entry, a live SysV
 * id; the last put frees the page cache, the disk blocks and the shared policy. The page cache
 * is an xarray rooted at ROOT; slots are installed with compareExchange and cleared only by
 * truncation or death of the inode (under I_SEM for write), so lookups take no lock. SIZE,
 * and the disk map of a file, change under I_SEM (i_rwsem) held for write.
 */
export declare const INODE: import("./layout.js").Struct<"MODE" | "STATE" | "UID" | "KIND" | "REFS" | "PAGES" | "SIZE" | "ROOT" | "DISK" | "INO" | "NR_PAGES" | "SP_SEM" | "SP_SEM_WAITERS" | "SP_COUNT" | "I_SEM" | "I_SEM_WAITERS" | "KEY" | "CUID" | "SEQ" | "DEST" | "DENTRY">;
export declare const INODE_SHMEM = 1;
export declare const INODE_SYSV = 2;
export declare const INODE_FILE = 3;
/** A tmpfs file (under /dev/shm): named and sized like a file, swap-backed with a shared policy like shmem. */
export declare const INODE_TMPFS = 4;
/**
 * One range of a shared policy (struct sp_node): page indexes [START, END) of the object use
 * POLICY, which the range owns (refcount 1, MPOL_F_SHARED set). Each object has SP_MAX of them,
 * sorted by START and disjoint, under the object's SP_SEM.
 */
export declare const SP: import("./layout.js").Struct<"POLICY" | "START" | "END">;
export declare const SP_MAX = 512;
/**
 * A directory entry of the flat file namespace: a name (NAME_WORDS words of UTF-8 in the names
 * region, LEN bytes) and the inode it links, which holds one reference for the link. STATE is
 * DENTRY_LINKED, or DENTRY_UNLINKED once unlink removed the name from the directory: the entry
 * then stays, so that the inode keeps its path for numa_maps ("... (deleted)"), until the inode
 * dies. Under KHDR.DIR_LOCK.
 */
export declare const DENTRY: import("./layout.js").Struct<"STATE" | "INODE" | "LEN">;
export declare const DENTRY_LINKED = 1;
export declare const DENTRY_UNLINKED = 2;
export declare const NAME_WORDS = 16;
/**
 * An open file description (struct file): REFS counts the fd slots naming it (atomic); it holds
 * one reference on its inode. POS and the readahead state change under the file's inode I_SEM.
 */
export declare const FILE: import("./layout.js").Struct<"FLAGS" | "STATE" | "REFS" | "INODE" | "POS" | "RA_NEXT" | "RA_SIZE">;
/** A process's fd table (files_struct): USERS counts the tasks sharing it; the fds array is in the fds region, MAX_FDS words per table, each a file slot or 0, under the table's LOCK. */
export declare const FDT: import("./layout.js").Struct<"STATE" | "USERS" | "LOCK">;
export declare const MAX_FDS = 64;
/** A VMA record (Float64 words). Written under its mm's mmap_sem for write, read under it. */
export declare const VMA: import("./layout.js").Struct<"FLAGS" | "POLICY" | "START" | "END" | "INODE" | "PGOFF" | "ANON_VMA">;
/** Slots beyond the map count limit in each mm's VMA array: the count may pass the limit by one. */
export declare const VMA_SLACK = 2;
export declare const VM_READ = 1;
export declare const VM_WRITE = 2;
export declare const VM_EXEC = 4;
export declare const VM_SHARED = 8;
export declare const VM_MAYSHARE = 128;
/**
 * struct page. REFCOUNT and MAPCOUNT are atomic. FLAGS bits are changed with atomic or/and.
 * MAPPING and INDEX are set by the allocator before the page is published in a page table or an
 * xarray, and are constant until it is freed.
 */
export declare const PAGE: import("./layout.js").Struct<"FLAGS" | "REFCOUNT" | "MAPCOUNT" | "MAPPING" | "INDEX" | "LRU_NEXT" | "LRU_PREV" | "PRIVATE">;
export declare const PG_ANON: number;
export declare const PG_DIRTY: number;
export declare const PG_ACTIVE: number;
export declare const PG_RESERVED: number;
export declare const PG_SWAPBACKED: number;
/** Allocated under a shared (file or shmem) policy: seed 000's PG_mpol-style marker. */
export declare const PG_MPOL: number;
/** On its node's LRU list (under the node's LRU_LOCK). */
export declare const PG_LRU: number;
/** Touched since reclaim last looked at it (second chance). */
export declare const PG_REFERENCED: number;
/** In the swap cache: PRIVATE holds its swap slot + 1, and the swap cache holds a reference. */
export declare const PG_SWAPCACHE: number;
/** Bytes of metadata per 4 KiB frame: struct page plus one free-stack word. */
export declare const META_BYTES_PER_FRAME: number;
/**
 * A node's header. LOCK (zone->lock) guards the free stack and FREE. The event counters are
 * atomics counted in pages, as vm_numa_event.
 */
export declare const NODE: import("./layout.js").Struct<"NR_PAGES" | "LOCK" | "NID" | "BASE_PFN" | "LOCK_PAD" | "FREE" | "NUMA_HIT" | "NUMA_MISS" | "NUMA_FOREIGN" | "INTERLEAVE_HIT" | "LOCAL_NODE" | "OTHER_NODE" | "NR_ANON" | "NR_SHMEM" | "NR_FILE" | "NR_DIRTY" | "NR_ACTIVE" | "LRU_LOCK" | "LRU_HEAD" | "LRU_TAIL" | "NR_LRU" | "KSWAPD_WAKE" | "WMARK_LOW" | "WMARK_HIGH" | "NR_SWAPCACHE" | "KSWAPD_PAUSE" | "KSWAPD_BUSY">;
/** xarray geometry: two levels of 512 slots, enough for 1 GiB per object. */
export declare const XA_SHIFT = 9;
export declare const XA_SLOTS: number;
export declare const XA_MAX_INDEX: number;
/** Page-table entry encoding (Int32): 0 none; pfn + 1 in the low bits; permission bits above. */
export declare const PTE_PFN_MASK: number;
export declare const PTE_WRITE: number;
export declare const PTE_DIRTY: number;
/** A swapped-out page: the low bits hold its swap slot + 1 (no pfn). */
export declare const PTE_SWAP: number;
