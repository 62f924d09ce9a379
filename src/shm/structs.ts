/**
 * Every structure of the emulated kernel that tasks share, declared once.
 *
 * Buffers (all SharedArrayBuffers, mapped by every worker and the main thread):
 *   kernel  Int32 words: header, mempolicy slab, task table, mm table, shmem objects, xarray
 *           pool. Locking rules are stated at each struct below.
 *   vmas    Float64 words: per mm, a sorted array of VMA records (addresses exceed 2^32).
 *   ptes    Int32 words: page-table pages (pgtable.ts): each mm's PGD, then a pool for the
 *           lower levels.
 *   node<N> one per memory node, created by the node's worker: node header and counters, struct
 *           page array, free stack, then the page frames themselves (4 KiB aligned).
 *
 * A slot index 0 means NULL in every table (the first slot of each table is never used), so that
 * zero-initialised memory is a valid empty state.
 */
import { assertLayout, defineStruct } from './layout.js';
import { RWSEM_WORDS } from './rwsem.js';

/** Kernel header. Counters are atomics; the slab and table locks are spinlocks. */
export const KHDR = defineStruct([
  'MAGIC',
  'NEXT_PID', // atomic: last pid handed out
  'NEXT_ANON_VMA', // atomic: anon_vma id generator
  'NEXT_INO', // atomic: inode numbers for shmem objects
  'SLAB_LOCK', // spinlock: guards the mempolicy slab free list
  'SLAB_FREE', // first free policy slot (under SLAB_LOCK)
  'SLAB_LIVE', // atomic: policies allocated and not yet freed
  'SPN_FREE', // first free sp_node slot (under SLAB_LOCK)
  'SPN_LIVE', // atomic: sp_nodes allocated and not yet freed
  'TABLE_LOCK', // spinlock: guards allocation of task, mm and shmem slots
  'XA_LOCK', // spinlock: guards the xarray block pool free list
  'XA_FREE', // first free xarray block (under XA_LOCK)
  'WARN_REFCOUNT', // atomic: refcount underflows and increments from zero (use-after-free)
  'OOM_KILLS', // atomic: faults that found no memory the policy allows
  'DIR_LOCK', // spinlock: the directory (dentry table)
  'IPC_LOCK', // spinlock: SysV shm ids (key lookup and creation, IPC_RMID)
  'NEXT_IPC_SEQ', // under IPC_LOCK: sequence part of new SysV ids
  // /proc/vmstat event counters (atomics)
  'PSWPIN',
  'PSWPOUT',
  'PGSCAN_KSWAPD',
  'PGSCAN_DIRECT',
  'PGSTEAL_KSWAPD',
  'PGSTEAL_DIRECT',
  'PGREFILL',
  'ALLOCSTALL',
  'RECLAIM_THROTTLE', // a word nobody changes: direct reclaim waits on it for a bounded millisecond
  'MM_HIGH', // atomic: 1 + the highest mm slot ever used; reverse-map walks stop there
  // page migration events of /proc/vmstat (atomics)
  'PGMIGRATE_SUCCESS',
  'PGMIGRATE_FAIL',
  'NUMA_PTE_UPDATES', // entries MPOL_MF_LAZY unmapped for migrate-on-fault
  'NUMA_HINT_FAULTS', // faults that found an unmapped cached page and asked mpol_misplaced()
  'NUMA_HINT_FAULTS_LOCAL', // ... and found it where the policy wants it
  'NUMA_PAGES_MIGRATED', // pages migrate-on-fault moved
  'XA_NR_FREE', // blocks on the xarray pool's free list (under XA_LOCK)
  'XA_RESERVED', // of those, blocks promised to inodes of fixed size (under XA_LOCK)
  'PT_LOCK', // spinlock: guards the page-table pool (pgtable.ts)
  'PT_FREE', // first free page-table page (under PT_LOCK)
  'PT_BUMP', // next page-table page never handed out (under PT_LOCK)
  'PT_NR_FREE', // page-table pages free: on the list or never handed out (under PT_LOCK)
]);
export const KERNEL_MAGIC = 0x4e554d41; // "NUMA"

/**
 * struct mempolicy. REFCNT is atomic (mpolGet/mpolPut). The other fields are written only while
 * the policy is private to its creator (before it is published in a task, VMA or shared tree), so
 * readers need no lock; a published policy is never modified, only replaced.
 */
export const POL = defineStruct([
  'REFCNT',
  'MODE', // MPOL_* (internal form: MPOL_LOCAL for preferred-with-empty-mask)
  'FLAGS', // mode flags (MPOL_F_STATIC_NODES...) | internal flags (MPOL_F_SHARED...)
  'NODES_LO',
  'NODES_HI',
  'USER_LO', // user nodemask as given, for static/relative policies
  'USER_HI',
  'HOME_NODE',
  'NEXT_FREE', // slab free-list link (under SLAB_LOCK), 0 while in use
  'GEN', // bumped on every free; pointers carry it (slab.ts), so a stale pointer is told apart
]);

/**
 * struct task_struct (the part numa-emu needs). POLICY, IL_PREV and IL_WEIGHT are written by the
 * task itself with its mm's mmap_sem held for write (set_mempolicy) or read (interleave counter,
 * which only the task itself advances). CPU is written by setAffinity and read by the task (atomic).
 */
export const TASK = defineStruct([
  'STATE', // 0 free, TASK_RUNNING, TASK_DEAD
  'TID',
  'TGID',
  'MM', // mm slot
  'CPU',
  'POLICY', // policy slot or 0 (system default)
  'IL_PREV', // last interleave node used by the process policy
  'IL_WEIGHT', // weighted interleave: allocations left on IL_PREV before the next node
  'UID',
  'EUID',
  'CAPS', // capability bit mask (bit CAP_SYS_NICE...)
  'FILES', // fd table slot (shared by the threads of a process)
  'ALLOC_LOCK', // spinlock: task_lock(), guards POLICY where the profile says so
], { lineAligned: true });
export const TASK_RUNNING = 1;
export const TASK_DEAD = 2;

/** struct mm_struct. SEM is mmap_sem; the VMA array and page table of this mm are under it. */
export const MM = defineStruct([
  'STATE', // 0 free, 1 live, under TABLE_LOCK
  'PID', // tgid of the owning process
  'USERS', // atomic: tasks using this mm
  'SEM',
  'SEM_WAITERS',
  'SEM_OWNER',
  'SEM_CLAIMANT',
  'NR_VMAS', // under SEM
  'PTL', // spinlock (page_table_lock): anon_vma assignment under a read-held SEM
  // spinlock: the layout of this mm's VMA array, for reverse-map walks, which take no mmap_sem
  // (the emulator's i_mmap_rwsem). Held by a writer (already holding SEM for write) only while it
  // inserts or removes a record, and by a walker while it reads the records and changes entries
  // by compareExchange; nothing else is taken under it but the page and LRU atomics and spinlocks.
  'VMA_LOCK',
], { lineAligned: true });
assertLayout(MM.SEM_CLAIMANT === MM.SEM + RWSEM_WORDS - 1, 'mmap_sem takes RWSEM_WORDS consecutive words');

/**
 * An inode: the object behind a shared mapping, a SysV segment or a file (its address_space).
 * REFS (atomic) counts every holder: mapping VMAs, open files, a directory entry, a live SysV
 * id; the last put frees the page cache, the disk blocks and the shared policy. The page cache
 * is an xarray rooted at ROOT; slots are installed with compareExchange and cleared only by
 * truncation or death of the inode (under I_SEM for write), so lookups take no lock. SIZE,
 * and the disk map of a file, change under I_SEM (i_rwsem) held for write.
 */
export const INODE = defineStruct([
  'STATE', // 0 free, 1 live, under TABLE_LOCK
  'KIND', // INODE_SHMEM, INODE_SYSV, INODE_FILE
  'REFS',
  'PAGES', // size in pages (shmem and SysV: fixed at creation)
  'SIZE', // size in bytes (files)
  'ROOT', // page cache xarray root block (0 until the first entry; installed by compareExchange)
  'DISK', // file: xarray root of its disk blocks (block + 1), likewise
  'INO',
  'NR_PAGES', // atomic: pages in the page cache
  'SP_SEM', // rw-semaphore: guards this inode's shared-policy ranges (sp->lock)
  'SP_SEM_WAITERS',
  'SP_SEM_OWNER',
  'SP_SEM_CLAIMANT',
  'SP_COUNT', // ranges in use (under SP_SEM)
  'I_SEM', // rw-semaphore: i_rwsem
  'I_SEM_WAITERS',
  'I_SEM_OWNER',
  'I_SEM_CLAIMANT',
  'KEY', // SysV key
  'MODE', // SysV permission bits
  'UID', // SysV owner
  'CUID', // SysV creator
  'SEQ', // SysV id sequence
  'DEST', // SysV: IPC_RMID was called (SHM_DEST)
  'DENTRY', // file: its directory entry (kept, marked unlinked, while the inode lives)
  'XA_RESV', // xarray blocks still reserved for this inode's trees (under KHDR.XA_LOCK)
], { lineAligned: true });
export const INODE_SHMEM = 1;
export const INODE_SYSV = 2;
export const INODE_FILE = 3;
/** A tmpfs file (under /dev/shm): named and sized like a file, swap-backed with a shared policy like shmem. */
export const INODE_TMPFS = 4;
assertLayout(INODE.I_SEM_CLAIMANT === INODE.I_SEM + RWSEM_WORDS - 1, 'i_rwsem takes RWSEM_WORDS consecutive words');
assertLayout(INODE.SP_SEM_CLAIMANT === INODE.SP_SEM + RWSEM_WORDS - 1, 'sp lock takes RWSEM_WORDS consecutive words');

/**
 * One range of a shared policy (struct sp_node), a slot of the sp_node slab: page indexes
 * [START, END) of an object use POLICY, a pointer the node owns one reference on (MPOL_F_SHARED
 * set). An object's tree is the sorted, disjoint array of its nodes' pointers (SP_MAX per inode,
 * ordered by START), under the object's SP_SEM. NEXT_FREE links free slots (under SLAB_LOCK); GEN
 * is bumped on every free and carried by pointers (see slab.ts), so a stale node is told apart.
 */
export const SPN = defineStruct(['START', 'END', 'POLICY', 'NEXT_FREE', 'GEN']);
export const SP_MAX = 512;

/**
 * A directory entry of the flat file namespace: a name (NAME_WORDS words of UTF-8 in the names
 * region, LEN bytes) and the inode it links, which holds one reference for the link. STATE is
 * DENTRY_LINKED, or DENTRY_UNLINKED once unlink removed the name from the directory: the entry
 * then stays, so that the inode keeps its path for numa_maps ("... (deleted)"), until the inode
 * dies. Under KHDR.DIR_LOCK.
 */
export const DENTRY = defineStruct(['STATE', 'INODE', 'LEN']);
export const DENTRY_LINKED = 1;
export const DENTRY_UNLINKED = 2;
export const NAME_WORDS = 16;

/**
 * An open file description (struct file): REFS counts the fd slots naming it (atomic); it holds
 * one reference on its inode. POS and the readahead state change under the file's inode I_SEM.
 */
export const FILE = defineStruct(['STATE', 'INODE', 'FLAGS', 'POS', 'REFS', 'RA_NEXT', 'RA_SIZE']);

/** A process's fd table (files_struct): USERS counts the tasks sharing it; the fds array is in the fds region, MAX_FDS words per table, each a file slot, 0, or -1 while an open() holds it reserved, under the table's LOCK. */
export const FDT = defineStruct(['STATE', 'USERS', 'LOCK'], { lineAligned: true });
export const MAX_FDS = 64;

/** A VMA record (Float64 words). Written under its mm's mmap_sem for write, read under it. */
export const VMA = defineStruct([
  'START',
  'END',
  'PGOFF',
  'FLAGS', // VM_* bits
  'POLICY', // policy slot or 0 (none)
  'ANON_VMA', // anon_vma id or 0
  'INODE', // inode slot of the mapped object (shmem, SysV segment, file) or 0
]);
/** Slots beyond the map count limit in each mm's VMA array: the count may pass the limit by one. */
export const VMA_SLACK = 2;
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYSHARE = 0x80;

/**
 * struct page. REFCOUNT and MAPCOUNT are atomic. FLAGS bits are changed with atomic or/and; its
 * PG_LOCKED bit is the page lock (page-lock.ts), held by whoever changes which cache slot or which
 * entries name the page (migration, truncation, a fault installing an inode page, reclaim).
 * MAPPING and INDEX are set by the allocator before the page is published in a page table or an
 * xarray, and are constant until it is freed: whether an inode page is still in its inode's
 * cache is what the slot at INDEX holds, checked under the page lock.
 */
export const PAGE = defineStruct([
  'FLAGS',
  'REFCOUNT',
  'MAPCOUNT',
  'MAPPING', // anon_vma id (PG_anon) or shmem object slot
  'INDEX', // page index in the mapping (virtual page for anon: its low 32 bits, unsigned)
  'LRU_NEXT',
  'LRU_PREV',
  'PRIVATE',
  'INDEX_HI', // anon: the virtual page number's bits above 32 (user addresses reach 2^47)
]);
export const PG_ANON = 1 << 0;
export const PG_DIRTY = 1 << 1;
export const PG_ACTIVE = 1 << 2;
export const PG_RESERVED = 1 << 3;
export const PG_SWAPBACKED = 1 << 4;
/** Allocated under a shared (file or shmem) policy: seed 000's PG_mpol-style marker. */
export const PG_MPOL = 1 << 6;
/** On its node's LRU list (under the node's LRU_LOCK). */
export const PG_LRU = 1 << 7;
/** Touched since reclaim last looked at it (second chance). */
export const PG_REFERENCED = 1 << 8;
/** In the swap cache: PRIVATE holds its swap slot + 1, and the swap cache holds a reference. */
export const PG_SWAPCACHE = 1 << 9;
/** The page lock (PG_locked): see page-lock.ts. */
export const PG_LOCKED = 1 << 10;
/** Someone sleeps on the page lock (PG_waiters): unlock must notify the FLAGS word. */
export const PG_WAITERS = 1 << 11;
/** Bytes of metadata per 4 KiB frame: struct page plus one free-stack word. */
export const META_BYTES_PER_FRAME = (PAGE.WORDS + 1) * 4;
assertLayout(META_BYTES_PER_FRAME <= 64, 'at most 64 bytes of metadata per frame');

/**
 * A node's header. LOCK (zone->lock) guards the free stack and FREE. The event counters are
 * atomics counted in pages, as vm_numa_event.
 */
export const NODE = defineStruct([
  'NID',
  'NR_PAGES',
  'BASE_PFN',
  'LOCK',
  'LOCK_PAD',
  'FREE', // pages on the free stack (under LOCK)
  'NUMA_HIT',
  'NUMA_MISS',
  'NUMA_FOREIGN',
  'INTERLEAVE_HIT',
  'LOCAL_NODE',
  'OTHER_NODE',
  'NR_ANON', // atomic: anonymous pages in use
  'NR_SHMEM', // atomic: shmem pages in use
  'NR_FILE', // atomic: page-cache pages of files
  'NR_DIRTY',
  'NR_ACTIVE',
  'LRU_LOCK', // spinlock: the LRU list (lru_lock)
  'LRU_HEAD', // oldest page + 1 (under LRU_LOCK)
  'LRU_TAIL', // newest page + 1
  'NR_LRU',
  'KSWAPD_WAKE', // futex word: bumped to wake the node's kswapd
  'WMARK_LOW', // pages: below this kswapd reclaims ...
  'WMARK_HIGH', // ... until this many are free
  'NR_SWAPCACHE', // atomic: pages of this node in the swap cache
  'KSWAPD_PAUSE', // set by an auditor: kswapd stays idle
  'KSWAPD_BUSY', // 1 while kswapd balances (Dekker pair with KSWAPD_PAUSE)
  'KSWAPD_DEAD', // set once the node's kswapd died (an assertion in reclaim) or its worker ended: nobody waits for it
]);

/** xarray geometry: two levels of 512 slots, enough for 1 GiB per object. */
export const XA_SHIFT = 9;
export const XA_SLOTS = 1 << XA_SHIFT;
export const XA_MAX_INDEX = XA_SLOTS * XA_SLOTS;

/** Page-table entry encoding (Int32): 0 none; pfn + 1 in the low bits; permission bits above. */
export const PTE_PFN_MASK = (1 << 28) - 1;
export const PTE_WRITE = 1 << 28;
export const PTE_DIRTY = 1 << 29;
/** A swapped-out page: the low bits hold its swap slot + 1 (no pfn). */
export const PTE_SWAP = 1 << 30;
/**
 * With PTE_SWAP, a migration entry: the low bits hold the pfn + 1 of the page being migrated, and
 * PTE_WRITE / PTE_DIRTY are those of the entry it replaced. Not present, so every path that treats
 * a swap entry as "no page here" treats it so; a fault on it waits for the migration to end.
 */
export const PTE_MIGRATION = 1 << 31;
