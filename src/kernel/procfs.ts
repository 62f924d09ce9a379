/**
 * The files numa-emu serves: /proc/<pid>/numa_maps and the node files of sysfs. Returns the
 * text or -ENOENT, as open(2) would for a path that does not exist.
 */
import { TASK } from '../shm/structs.js';
import { ENOENT } from './errno.js';
import { type Kernel } from './kernel.js';
import { readNodeFile } from './node-files.js';
import { showNumaMaps } from './numa-maps.js';
import { findTaskByTid } from './task.js';

/** Read a kernel file; `self` is the tid /proc/self names (0 when there is no calling task). */
export function readKernelFile(kn: Kernel, path: string, self: number): string | number {
  const proc = /^\/proc\/(\d+|self)\/numa_maps$/.exec(path);
  if (proc) {
    const tid = proc[1] === 'self' ? self : Number(proc[1]);
    const t = tid > 0 && String(tid) === (proc[1] === 'self' ? String(self) : proc[1]) ? findTaskByTid(kn, tid) : 0;
    if (t === 0) return -ENOENT;
    const text = showNumaMaps(kn, t, kn.k[kn.task(t) + TASK.MM]);
    return text ?? -ENOENT;
  }
  return readNodeFile(kn, path) ?? -ENOENT;
}
