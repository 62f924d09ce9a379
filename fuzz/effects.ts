/**
 * What each call that moves bytes or changes mappings must have done, given what it returned:
 * checks of its outcome against the model, then the model brought up to date.
 *
 * Within a data round several tasks run at once, and only a few outcomes are not decided by the
 * model as it stood when the round began plus the caller's own earlier calls: the size of a file
 * another task extends with pwrite (a mapped access in between may succeed or raise SIGBUS), and a
 * copy-on-write of a private file page that another task's write to the file page may precede or
 * follow (those slots of the copy become unknown, and a load of the page by the copying process
 * is not compared that round). `RoundFacts` holds those facts, gathered from the round's calls.
 */
import { MAP_ANONYMOUS, MAP_SHARED, O_ACCMODE, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, PROT_WRITE, SHM_RDONLY, IPC_RMID, type WireError } from '../src/index.js';
import { type ProcModel, type TaskModel, type Region, type Obj, P, SLOT, diffBytes, dropCopiesPast, mapRegion, objIndex, pageForWrite, pageView, pattern, regionAt, unmapRange } from './model.js';
import { type WireCall } from './calls.js';

/** What a call returned in its worker. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: WireError };

/** A SysV segment as the model knows it. */
export interface Segment {
  obj: Obj;
  key: number;
  rmid: boolean;
}

/** The model's shared state: objects by name and by SysV id. */
export interface Shared {
  procs: ProcModel[];
  names: Map<string, Obj>;
  segments: Map<number, Segment>;
  newObj(kind: Obj['kind'], size: number): Obj;
}

/** The facts of one round (see the module comment). Batch ids are positions in the round. */
export class RoundFacts {
  private readonly startSize = new Map<Obj, number>();
  private readonly maxSize = new Map<Obj, number>();
  /** `${obj.id}:${index}` -> batch -> actors that write that file page this round. */
  private readonly fileWrites = new Map<string, Map<number, Set<number>>>();
  /** `${pid}:${vpn}` -> batches that may copy that private file page this round. */
  private readonly cows = new Map<string, Set<number>>();
  /** Names an open with O_CREAT may create this round. */
  private readonly creates = new Set<string>();
  /** Segments that were destroyed before the round began. */
  readonly deadSegments: Set<number>;

  constructor(shared: Shared) {
    this.deadSegments = new Set([...shared.segments].filter(([, s]) => s.rmid && !attached(shared, s.obj)).map(([id]) => id));
  }

  /** Note what call `call` of batch `batch` (task `t`) may do to the uncertain facts. */
  note(batch: number, t: TaskModel, call: WireCall): void {
    const p = t.proc;
    const [name, a0, a1, a2] = call;
    if (name === 'open' && (a1 as number) & O_CREAT) this.creates.add(a0 as string);
    if (name === 'pwrite') {
      const obj = p.fds.get(a0 as number)?.obj;
      if (!obj) return;
      this.grow(obj, (a2 as number) + (a1 as Uint8Array).length);
      this.fileWrite(obj, Math.floor((a2 as number) / P), batch, t.actor);
    } else if (name === 'store' || (name === 'touch' && a2 === 'write')) {
      const addr = (a0 as number) - ((a0 as number) % P);
      const r = regionAt(p, addr);
      if (!r?.obj?.isFile) return;
      if (r.shared) this.fileWrite(r.obj, objIndex(r, addr), batch, t.actor);
      else if (!p.priv.has(addr / P)) addTo(this.cows, `${p.pid}:${addr / P}`, batch);
    }
  }

  private grow(obj: Obj, end: number): void {
    if (!this.startSize.has(obj)) this.startSize.set(obj, obj.size);
    this.maxSize.set(obj, Math.max(this.maxSize.get(obj) ?? obj.size, end));
  }

  private fileWrite(obj: Obj, index: number, batch: number, actor: number): void {
    const key = `${obj.id}:${index}`;
    let byBatch = this.fileWrites.get(key);
    if (!byBatch) this.fileWrites.set(key, (byBatch = new Map()));
    if (!byBatch.has(batch)) byBatch.set(batch, new Set());
    byBatch.get(batch)!.add(actor);
  }

  /** Whether a file of this name may have been created by another open of the round. */
  mayCreate(path: string): boolean {
    return this.creates.has(path);
  }

  /** The size `obj` may reach this round, and the size it had when the round began. */
  sizes(obj: Obj): { start: number; max: number } {
    return { start: this.startSize.get(obj) ?? obj.size, max: this.maxSize.get(obj) ?? obj.size };
  }

  /** Actors that other batches write to page `index` of `obj` this round. */
  othersWriting(obj: Obj, index: number, batch: number): number[] {
    const out: number[] = [];
    for (const [b, actors] of this.fileWrites.get(`${obj.id}:${index}`) ?? []) if (b !== batch) out.push(...actors);
    return out;
  }

  /** Whether another batch may copy the private file page at `vpn` of `pid` this round. */
  copiedByOthers(pid: number, vpn: number, batch: number): boolean {
    return [...(this.cows.get(`${pid}:${vpn}`) ?? [])].some((b) => b !== batch);
  }
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  if (!m.has(k)) m.set(k, new Set());
  m.get(k)!.add(v);
}

function attached(shared: Shared, obj: Obj): boolean {
  return shared.procs.some((p) => p.regions.some((r) => r.obj === obj));
}

/** An error as text for a report. */
export function describeError(e: WireError): string {
  return `${e.code ?? e.name}${e.signal ? `/${e.signal}` : ''}: ${e.message}`;
}

/** Whether an error is one the errno contract allows: a system error with code, errno and syscall. */
export function isSystemError(e: WireError): boolean {
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.errno === 'number' && e.errno < 0 && typeof e.syscall === 'string' && !/BUG/.test(e.message);
}

type Expect = 'ok' | 'segv' | 'sigbus' | 'either';

/** A batch being applied: the task, its position in the round, and the file sizes its own calls reached. */
export class BatchApply {
  private readonly ownSize = new Map<Obj, number>();

  constructor(
    readonly shared: Shared,
    readonly facts: RoundFacts,
    readonly batch: number,
    readonly t: TaskModel,
  ) {}

  private get p(): ProcModel {
    return this.t.proc;
  }

  /** The smallest size `obj` can have for this batch: the round's start, or what its own writes made it. */
  private minSize(obj: Obj): number {
    return Math.max(this.facts.sizes(obj).start, this.ownSize.get(obj) ?? 0);
  }

  /** What an access to the page at `addr` must do. */
  private expectAccess(addr: number, write: boolean): Expect {
    const r = regionAt(this.p, addr);
    if (!r || (write && !r.writable)) return 'segv';
    if (!r.obj?.isFile) return 'ok';
    // A private copy decides it, unless another task of the round may have made that copy (then
    // this access may have run before it, against the file's size).
    if (!r.shared && this.p.priv.has(addr / P) && !this.facts.copiedByOthers(this.p.pid, addr / P, this.batch)) return 'ok';
    const index = objIndex(r, addr);
    if (index < Math.ceil(this.minSize(r.obj) / P)) return 'ok';
    return index >= Math.ceil(this.facts.sizes(r.obj).max / P) ? 'sigbus' : 'either';
  }

  /** Check an access outcome against what was expected; null if it is allowed. */
  private checkAccess(o: Outcome, want: Expect[], nospcOk: boolean): string | null {
    if (o.ok) return want.every((w) => w === 'ok' || w === 'either') ? null : `succeeded where ${want.join(',')} was expected`;
    const e = o.error;
    if (e.code === 'ENOMEM' && isSystemError(e)) return null;
    if (e.code === 'EFAULT' && e.signal === 'SIGSEGV' && want.includes('segv')) return null;
    if (e.code === 'EFAULT' && e.signal === 'SIGBUS' && (want.includes('sigbus') || want.includes('either') || (nospcOk && /no space/.test(e.message)))) return null;
    return `${describeError(e)} where ${want.join(',')} was expected`;
  }

  /** store(addr, bytes) into the caller's slot. */
  store(addr: number, bytes: Uint8Array, o: Outcome): string | null {
    const page = addr - (addr % P);
    const r = regionAt(this.p, page);
    const bad = this.checkAccess(o, [this.expectAccess(page, true)], r?.shared === true && r.obj?.kind === 'file');
    if (bad || !o.ok) return bad;
    const w = this.writePage(r!, page);
    w.bytes.set(bytes, addr % P);
    if (bytes.length === SLOT) w.unknown[(addr % P) / SLOT] = 0; // a shorter write leaves the rest of an unknown slot unknown
    return null;
  }

  /** The page a successful write at `page` wrote into; a copy made now loses the slots others write this round. */
  private writePage(r: Region, page: number): { bytes: Uint8Array; unknown: Uint8Array } {
    const { page: pg, cow } = pageForWrite(this.p, r, page);
    if (cow) for (const actor of this.facts.othersWriting(r.obj!, objIndex(r, page), this.batch)) pg.unknown[actor] = 1;
    return pg;
  }

  /** load(addr, 16) of the caller's slot. */
  load(addr: number, o: Outcome): string | null {
    const page = addr - (addr % P);
    const bad = this.checkAccess(o, [this.expectAccess(page, false)], false);
    if (bad || !o.ok) return bad;
    const r = regionAt(this.p, page)!;
    if (!r.shared && r.obj && !this.p.priv.has(page / P) && this.facts.copiedByOthers(this.p.pid, page / P, this.batch)) return null;
    const d = diffBytes(pageView(this.p, r, page), o.value as Uint8Array, addr % P);
    return d && `load at 0x${addr.toString(16)}: ${d}`;
  }

  /** touch(addr, len, kind): nothing moves, except that a write to a private file page copies it. */
  touch(addr: number, len: number, kind: string, o: Outcome): string | null {
    const want: Expect[] = [];
    for (let a = addr - (addr % P); a < addr + len; a += P) want.push(this.expectAccess(a, kind === 'write'));
    const bad = this.checkAccess(o, want, true); // it stops at the first page that fails: any page may explain an error
    if (bad || !o.ok || kind !== 'write') return bad;
    const r = regionAt(this.p, addr);
    if (r && !r.shared && r.obj) this.writePage(r, addr - (addr % P));
    return null;
  }

  /** pread(fd, count, off) of the caller's slot. */
  pread(fd: number, count: number, off: number, o: Outcome): string | null {
    const d = this.p.fds.get(fd);
    const bad = expectFdError(o, d === undefined || (d.acc & O_ACCMODE) === O_WRONLY, 'pread64');
    if (bad !== undefined) return bad;
    const got = o.ok ? (o.value as Uint8Array) : null;
    if (!got) return null; // ENOMEM
    const lo = Math.max(0, Math.min(count, this.minSize(d!.obj) - off));
    const hi = Math.max(0, Math.min(count, this.facts.sizes(d!.obj).max - off));
    if (got.length < lo || got.length > hi) return `pread returned ${got.length} bytes, expected ${lo}..${hi}`;
    const diff = diffBytes(d!.obj.view(Math.floor(off / P)), got, off % P);
    return diff && `pread of fd ${fd} at ${off}: ${diff}`;
  }

  /** pwrite(fd, bytes, off) into the caller's slot. */
  pwrite(fd: number, bytes: Uint8Array, off: number, o: Outcome): string | null {
    const d = this.p.fds.get(fd);
    const bad = expectFdError(o, d === undefined || (d.acc & O_ACCMODE) === O_RDONLY, 'pwrite64', ['ENOSPC']);
    if (bad !== undefined || !o.ok) return bad ?? null;
    if (o.value !== bytes.length) return `pwrite returned ${String(o.value)}, expected ${bytes.length}`;
    writeFile(d!.obj, off, bytes);
    this.ownSize.set(d!.obj, Math.max(this.minSize(d!.obj), off + bytes.length));
    return null;
  }

  fsync(fd: number, o: Outcome): string | null {
    return expectFdError(o, !this.p.fds.has(fd), 'fsync', []) ?? null;
  }

  // ---- structural calls: alone in their process --------------------------------------------

  mmap(args: unknown[], o: Outcome): void {
    if (!o.ok) return;
    const [, len, prot, flags, fd, off] = args as number[];
    const start = o.value as number;
    const size = Math.ceil(len / P) * P;
    const shared = (flags & MAP_SHARED) !== 0;
    const anon = (flags & MAP_ANONYMOUS) !== 0;
    const obj = anon ? (shared ? this.shared.newObj('shm', size) : null) : this.p.fds.get(fd)!.obj;
    mapRegion(this.p, { start, end: start + size, writable: (prot & PROT_WRITE) !== 0, shared, obj, pgoff: anon ? 0 : off / P });
  }

  munmap(addr: number, len: number, o: Outcome): void {
    if (o.ok) unmapRange(this.p, addr, addr + Math.ceil(len / P) * P);
  }

  open(path: string, flags: number, o: Outcome): string | null {
    if (!o.ok) return null;
    let obj = this.shared.names.get(path);
    if (!obj) {
      if (!(flags & O_CREAT) && !this.facts.mayCreate(path)) return `open of ${path} succeeded, but the model has no such file`;
      obj = this.shared.newObj(path.startsWith('/dev/shm/') ? 'tmpfs' : 'file', 0);
      this.shared.names.set(path, obj);
    }
    if (flags & O_TRUNC && (flags & O_ACCMODE) !== O_RDONLY) truncateObj(this.shared, obj, 0);
    this.p.fds.set(o.value as number, { obj, acc: flags & O_ACCMODE, append: (flags & O_APPEND) !== 0, pos: 0 });
    return null;
  }

  close(fd: number, o: Outcome): void {
    if (o.ok) this.p.fds.delete(fd);
  }

  shmget(key: number, size: number, o: Outcome): string | null {
    if (!o.ok) return null;
    const id = o.value as number;
    const seg = this.shared.segments.get(id);
    if (seg) return key !== 0 && seg.key !== key ? `shmget(${key}) gave segment ${id} of key ${seg.key}` : null;
    this.shared.segments.set(id, { obj: this.shared.newObj('sysv', Math.ceil(size / P) * P), key, rmid: false });
    return null;
  }

  shmat(id: number, flags: number, o: Outcome): string | null {
    if (!o.ok) return null;
    const seg = this.shared.segments.get(id);
    if (!seg || this.facts.deadSegments.has(id)) return `shmat of segment ${id}, which ${seg ? 'was destroyed' : 'the model never saw'}, succeeded`;
    const start = o.value as number;
    mapRegion(this.p, { start, end: start + seg.obj.size, writable: !(flags & SHM_RDONLY), shared: true, obj: seg.obj, pgoff: 0 });
    return null;
  }

  /** shmdt: every fragment of the segment at its own offset from `addr`, within its size of it. */
  shmdt(addr: number, o: Outcome): void {
    if (!o.ok) return;
    const obj = regionAt(this.p, addr)!.obj!;
    const gone = this.p.regions.filter((r) => r.obj === obj && r.start >= addr && r.end - addr <= obj.size && r.pgoff === (r.start - addr) / P);
    for (const r of gone) unmapRange(this.p, r.start, r.end);
  }

  shmctl(id: number, cmd: number, o: Outcome): void {
    const seg = this.shared.segments.get(id);
    if (o.ok && cmd === IPC_RMID && seg) seg.rmid = true;
  }

  // ---- solo calls: nothing else runs ----------------------------------------------------------

  ftruncate(fd: number, size: number, o: Outcome): void {
    if (o.ok) truncateObj(this.shared, this.p.fds.get(fd)!.obj, size);
  }

  unlink(path: string, o: Outcome): void {
    if (o.ok) this.shared.names.delete(path);
  }

  /** write(fd, bytes) at the file position (or the end, with O_APPEND). */
  write(fd: number, bytes: Uint8Array, o: Outcome): string | null {
    const d = this.p.fds.get(fd);
    const bad = expectFdError(o, d === undefined || (d.acc & O_ACCMODE) === O_RDONLY, 'write', ['ENOSPC']);
    if (bad !== undefined || !o.ok) return bad ?? null;
    const n = o.value as number;
    if (n <= 0 || n > bytes.length) return `write returned ${n} of ${bytes.length}`;
    const pos = d!.append ? d!.obj.size : d!.pos;
    writeFile(d!.obj, pos, bytes.subarray(0, n));
    d!.pos = pos + n;
    return null;
  }

  /** read(fd, count) from the file position (short if it met ENOMEM after some bytes). */
  read(fd: number, count: number, o: Outcome): string | null {
    const d = this.p.fds.get(fd);
    const bad = expectFdError(o, d === undefined || (d.acc & O_ACCMODE) === O_WRONLY, 'read');
    if (bad !== undefined || !o.ok) return bad ?? null;
    const got = o.value as Uint8Array;
    const want = Math.max(0, Math.min(count, d!.obj.size - d!.pos));
    if (got.length > want || (got.length === 0 && want > 0)) return `read returned ${got.length} bytes, expected ${want}`;
    const diff = compareFile(d!.obj, d!.pos, got);
    d!.pos += got.length;
    return diff;
  }
}

/**
 * An fd call's outcome when the fd is bad for it (EBADF expected) or good (success, ENOMEM, or
 * one of `allowed`); undefined when the outcome is a success to go on with.
 */
function expectFdError(o: Outcome, ebadf: boolean, what: string, allowed: string[] = []): string | null | undefined {
  if (ebadf) return !o.ok && o.error.code === 'EBADF' ? null : `${what} on a bad fd: ${o.ok ? 'succeeded' : describeError(o.error)}, expected EBADF`;
  if (o.ok) return undefined;
  return isSystemError(o.error) && (o.error.code === 'ENOMEM' || allowed.includes(o.error.code!)) ? null : `${what}: ${describeError(o.error)}`;
}

function writeFile(obj: Obj, pos: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) {
    const at = pos + done;
    const n = Math.min(P - (at % P), bytes.length - done);
    const pg = obj.page(Math.floor(at / P));
    pg.bytes.set(bytes.subarray(done, done + n), at % P);
    for (let s = Math.ceil((at % P) / SLOT); (s + 1) * SLOT <= (at % P) + n; s++) pg.unknown[s] = 0; // slots written whole
    done += n;
  }
  obj.size = Math.max(obj.size, pos + bytes.length);
}

/** The first difference between the file's bytes from `pos` and `got`, or null. */
export function compareFile(obj: Obj, pos: number, got: Uint8Array): string | null {
  for (let done = 0; done < got.length; ) {
    const at = pos + done;
    const n = Math.min(P - (at % P), got.length - done);
    const d = diffBytes(obj.view(Math.floor(at / P)), got.subarray(done, done + n), at % P);
    if (d) return `file page ${Math.floor(at / P)}: ${d}`;
    done += n;
  }
  return null;
}

/** Truncation: the object's pages past the end go, in every process's private copies too. */
function truncateObj(shared: Shared, obj: Obj, size: number): void {
  const shrink = size < obj.size;
  obj.truncate(size);
  if (shrink) for (const p of shared.procs) dropCopiesPast(p, obj, obj.nrPages);
}

/** The CPU-side arguments a call is resolved to before it is sent (bytes to write instead of a length). */
export function withBytes(call: WireCall, t: TaskModel, seq: () => number): WireCall {
  const [name, ...args] = call;
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += SLOT) out.set(pattern(t.actor, seq()).subarray(0, Math.min(SLOT, n - i)), i);
    return out;
  };
  if (name === 'store') return [name, args[0], bytes(args[1] as number)];
  if (name === 'pwrite' || name === 'write') return [name, args[0], bytes(args[1] as number), ...args.slice(2)];
  return call;
}

