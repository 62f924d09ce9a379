/**
 * The fuzzer's model of what every byte of the machine should hold.
 *
 * Every task is an actor with its own 16-byte slot in every page (actor * 16): stores, pwrites
 * and write faults of data rounds touch only the acting task's slot, so each slot has one
 * writer and its expected value is exact even while tasks run at once. A slot whose value the
 * model cannot know (a copy-on-write of a file page taken while another task wrote that page) is
 * marked unknown and skipped by the checks.
 *
 * Shared objects (shmem, SysV segments, files, tmpfs files) hold their pages (for a file: its page
 * cache, which is what the file reads back); a process holds its private pages by virtual page
 * (anonymous pages, and copies of file pages made by a write to a private file mapping). A private
 * file page that was never written follows the file.
 */
import { PAGE_SIZE } from '../src/index.js';

export const P = PAGE_SIZE;
export const SLOT = 16;
const SLOTS = P / SLOT;

/** The bytes of one page and which of its slots are unknown. */
export class PageData {
  readonly bytes = new Uint8Array(P);
  readonly unknown = new Uint8Array(SLOTS);

  clone(): PageData {
    const c = new PageData();
    c.bytes.set(this.bytes);
    c.unknown.set(this.unknown);
    return c;
  }
}

const ZERO_PAGE = new PageData();

export type ObjKind = 'shm' | 'sysv' | 'file' | 'tmpfs';

/** A shared object. `size` in bytes (files), or the fixed size of shmem and SysV objects. */
export class Obj {
  readonly pages = new Map<number, PageData>();

  constructor(
    readonly id: number,
    readonly kind: ObjKind,
    public size: number,
  ) {}

  get isFile(): boolean {
    return this.kind === 'file' || this.kind === 'tmpfs';
  }

  /** Pages a mapping may touch (SIGBUS past them). */
  get nrPages(): number {
    return Math.ceil(this.size / P);
  }

  view(index: number): PageData {
    return this.pages.get(index) ?? ZERO_PAGE;
  }

  page(index: number): PageData {
    let pg = this.pages.get(index);
    if (!pg) this.pages.set(index, (pg = new PageData()));
    return pg;
  }

  /** ftruncate: pages past the end go, the tail of the last page reads zero. */
  truncate(size: number): void {
    if (size < this.size) {
      const keep = Math.ceil(size / P);
      for (const i of [...this.pages.keys()]) if (i >= keep) this.pages.delete(i);
      if (size % P !== 0) this.pages.get(keep - 1)?.bytes.fill(0, size % P);
    }
    this.size = size;
  }
}

/** A mapping as the model sees it (VMA splits by mbind are invisible here). */
export interface Region {
  start: number;
  end: number;
  writable: boolean;
  shared: boolean;
  /** The mapped object; null for private anonymous memory. */
  obj: Obj | null;
  /** Page of the object at `start`. */
  pgoff: number;
}

/** An open file description, shared by the fd tables that name it. */
export interface FileDesc {
  obj: Obj;
  /** O_ACCMODE bits. */
  acc: number;
  append: boolean;
  pos: number;
}

export interface ProcModel {
  pid: number;
  tasks: TaskModel[];
  regions: Region[];
  /** Private pages by virtual page number. */
  priv: Map<number, PageData>;
  fds: Map<number, FileDesc>;
}

export interface TaskModel {
  actor: number;
  proc: ProcModel;
}

/** The 16 bytes actor `actor` writes with its `seq`-th write. */
export function pattern(actor: number, seq: number): Uint8Array {
  const b = new Uint8Array(SLOT);
  const v = new DataView(b.buffer);
  v.setUint32(0, seq, true);
  v.setUint32(4, (seq ^ 0x5a5a5a5a) >>> 0, true);
  b[8] = actor;
  for (let k = 9; k < SLOT; k++) b[k] = (seq * k + actor) & 0xff;
  return b;
}

export function regionAt(p: ProcModel, addr: number): Region | undefined {
  return p.regions.find((r) => r.start <= addr && addr < r.end);
}

/** Page index in the region's object of the page at `addr`. */
export function objIndex(r: Region, addr: number): number {
  return r.pgoff + Math.floor((addr - r.start) / P);
}

/** What the process reads at page `addr` (page aligned): its private copy, the object's page, or zeros. */
export function pageView(p: ProcModel, r: Region, addr: number): PageData {
  if (!r.shared) {
    const own = p.priv.get(addr / P);
    if (own || !r.obj) return own ?? ZERO_PAGE;
  }
  return r.obj!.view(objIndex(r, addr));
}

/**
 * The page a store at `addr` writes into, made if needed: the object's page (shared), the
 * private page, or a private copy of the file page (copy-on-write). `cow` says whether a copy
 * was made by this store.
 */
export function pageForWrite(p: ProcModel, r: Region, addr: number): { page: PageData; cow: boolean } {
  if (r.shared) return { page: r.obj!.page(objIndex(r, addr)), cow: false };
  const vpn = addr / P;
  let page = p.priv.get(vpn);
  if (page) return { page, cow: false };
  page = r.obj ? r.obj.view(objIndex(r, addr)).clone() : new PageData();
  p.priv.set(vpn, page);
  return { page, cow: r.obj !== null };
}

/** munmap: cut [start, end) out of the regions and drop the private pages there. */
export function unmapRange(p: ProcModel, start: number, end: number): void {
  const out: Region[] = [];
  for (const r of p.regions) {
    if (r.end <= start || r.start >= end) {
      out.push(r);
      continue;
    }
    if (r.start < start) out.push({ ...r, end: start });
    if (r.end > end) out.push({ ...r, start: end, pgoff: r.pgoff + (end - r.start) / P });
  }
  p.regions = out.sort((a, b) => a.start - b.start);
  for (const vpn of [...p.priv.keys()]) if (vpn * P >= start && vpn * P < end) p.priv.delete(vpn);
}

/** A new mapping (MAP_FIXED ones replace what was there). */
export function mapRegion(p: ProcModel, r: Region): void {
  unmapRange(p, r.start, r.end);
  p.regions.push(r);
  p.regions.sort((a, b) => a.start - b.start);
}

/** The pages of process `p` that truncating `obj` to `pages` pages discards (even private copies). */
export function dropCopiesPast(p: ProcModel, obj: Obj, pages: number): void {
  for (const r of p.regions) {
    if (r.shared || r.obj !== obj) continue;
    for (let a = r.start; a < r.end; a += P) if (objIndex(r, a) >= pages) p.priv.delete(a / P);
  }
}

/** fork: the child's copy of the parent's address space and fd table. */
export function forkModel(parent: ProcModel, pid: number): ProcModel {
  const priv = new Map<number, PageData>();
  for (const [vpn, pg] of parent.priv) priv.set(vpn, pg.clone());
  return { pid, tasks: [], regions: parent.regions.map((r) => ({ ...r })), priv, fds: new Map(parent.fds) };
}

/** Compare what was read (`got`, bytes from `addr`) with the model's view; the first difference, or null. */
export function diffBytes(expected: PageData, got: Uint8Array, from: number): string | null {
  for (let i = 0; i < got.length; i++) {
    const at = from + i;
    if (expected.unknown[Math.floor(at / SLOT)]) continue;
    if (got[i] !== expected.bytes[at]) return `byte ${at} of the page (slot ${Math.floor(at / SLOT)}) is ${got[i]}, expected ${expected.bytes[at]}`;
  }
  return null;
}
