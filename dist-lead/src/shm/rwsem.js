/**
 * struct rw_semaphore (the mm's mmap_sem) over two shared Int32 words.
 *
 * Word `idx`: the count of readers in bits 0-28, RWSEM_WRITER when a writer holds it, and
 * RWSEM_WRITER_WAITING when a writer waits (new readers then queue behind it, so writers are not
 * starved by a stream of faults). Word `idx + 1`: the number of sleepers, so that release skips
 * Atomics.notify when nobody sleeps. Sleepers are all woken and retry: the queue is the futex's,
 * not ours, which is enough at the scale of an emulated machine.
 */
import { preemptPoint } from '../sched/preempt.js';
import { futexWait, SPIN_LIMIT } from './futex.js';
export const RWSEM_WORDS = 2;
const WRITER = 1 << 30;
const WRITER_WAITING = 1 << 29;
const READERS = WRITER_WAITING - 1;
/** Sleep while the word still reads `seen` (Atomics.wait compares it atomically), counted as a sleeper. */
function sleep(arr, idx, seen, round, what) {
    Atomics.add(arr, idx + 1, 1);
    futexWait(arr, idx, seen, round, what);
    Atomics.sub(arr, idx + 1, 1);
}
function wakeAll(arr, idx) {
    if (Atomics.load(arr, idx + 1) !== 0)
        Atomics.notify(arr, idx);
}
/** down_read: shared hold; waits while a writer holds or waits. */
export function downRead(arr, idx) {
    preemptPoint(3 /* PreemptPoint.DownRead */, idx);
    for (let spin = 0, round = 0;; spin++) {
        const s = Atomics.load(arr, idx);
        if ((s & (WRITER | WRITER_WAITING)) === 0) {
            if (Atomics.compareExchange(arr, idx, s, s + 1) === s)
                return;
        }
        else if (spin >= SPIN_LIMIT) {
            sleep(arr, idx, s, round++, 'down_read');
        }
    }
}
/** down_read_trylock: a shared hold if it can be had at once (no writer holds or waits). */
export function downReadTrylock(arr, idx) {
    preemptPoint(3 /* PreemptPoint.DownRead */, idx);
    for (let i = 0; i < SPIN_LIMIT; i++) {
        const s = Atomics.load(arr, idx);
        if ((s & (WRITER | WRITER_WAITING)) !== 0)
            return false;
        if (Atomics.compareExchange(arr, idx, s, s + 1) === s)
            return true;
    }
    return false;
}
/** up_read: drop a shared hold. */
export function upRead(arr, idx) {
    const s = Atomics.sub(arr, idx, 1) - 1;
    if ((s & READERS) === 0)
        wakeAll(arr, idx);
    preemptPoint(4 /* PreemptPoint.UpRead */, idx);
}
/** down_write: exclusive hold; announces itself so that new readers wait. */
export function downWrite(arr, idx) {
    preemptPoint(5 /* PreemptPoint.DownWrite */, idx);
    for (let spin = 0, round = 0;; spin++) {
        const s = Atomics.load(arr, idx);
        if ((s & (WRITER | READERS)) === 0) {
            if (Atomics.compareExchange(arr, idx, s, WRITER) === s)
                return;
        }
        else if ((s & WRITER_WAITING) === 0) {
            Atomics.compareExchange(arr, idx, s, s | WRITER_WAITING);
        }
        else if (spin >= SPIN_LIMIT) {
            sleep(arr, idx, s, round++, 'down_write');
        }
    }
}
/** up_write: drop the exclusive hold and wake every sleeper to retry. */
export function upWrite(arr, idx) {
    Atomics.store(arr, idx, 0);
    wakeAll(arr, idx);
    preemptPoint(6 /* PreemptPoint.UpWrite */, idx);
}
//# sourceMappingURL=rwsem.js.map