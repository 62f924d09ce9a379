/**
 * spinlock_t over one shared Int32 word.
 *
 * Word values: 0 unlocked, 1 locked, 2 locked with (possible) sleepers. Unlock skips
 * Atomics.notify unless the word says someone sleeps (a notify with no waiter costs 34 ns here,
 * twice the lock itself). The lock is not recursive and has no owner check: like the kernel's,
 * it is correct only if every path that takes it releases it.
 */
import { preemptPoint } from '../sched/preempt.js';
import { futexWait, SPIN_LIMIT } from './futex.js';
/** Take the lock at `arr[idx]`. */
export function spinLock(arr, idx) {
    preemptPoint(1 /* PreemptPoint.SpinLock */, idx);
    if (Atomics.compareExchange(arr, idx, 0, 1) === 0)
        return;
    for (let i = 0; i < SPIN_LIMIT; i++) {
        if (Atomics.load(arr, idx) === 0 && Atomics.compareExchange(arr, idx, 0, 1) === 0)
            return;
    }
    for (let round = 0; Atomics.exchange(arr, idx, 2) !== 0; round++) {
        futexWait(arr, idx, 2, round, 'spin_lock');
    }
}
/** Release the lock at `arr[idx]`. */
export function spinUnlock(arr, idx) {
    if (Atomics.exchange(arr, idx, 0) === 2)
        Atomics.notify(arr, idx, 1);
    preemptPoint(2 /* PreemptPoint.SpinUnlock */, idx);
}
//# sourceMappingURL=spinlock.js.map