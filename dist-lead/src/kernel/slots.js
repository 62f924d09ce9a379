/**
 * Allocation of task, mm and shmem slots in the kernel buffer's tables.
 *
 * Locking: KHDR.TABLE_LOCK guards the STATE word (field 0) of every slot of these tables while a
 * slot is being taken or given back; slot 0 is never handed out (it is NULL).
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { KHDR } from '../shm/structs.js';
/** Take the first free slot of a table (STATE 0 -> `state`); 0 when the table is full. */
export function allocSlot(kn, region, words, count, state = 1) {
    const { k } = kn;
    spinLock(k, KHDR.TABLE_LOCK);
    let found = 0;
    for (let s = 1; s < count; s++) {
        const b = region + s * words;
        if (k[b] === 0) {
            k.fill(0, b, b + words);
            Atomics.store(k, b, state);
            found = s;
            break;
        }
    }
    spinUnlock(k, KHDR.TABLE_LOCK);
    return found;
}
/** Give a slot back (its other words are cleared by the next allocSlot). */
export function freeSlot(kn, region, words, slot) {
    spinLock(kn.k, KHDR.TABLE_LOCK);
    Atomics.store(kn.k, region + slot * words, 0);
    spinUnlock(kn.k, KHDR.TABLE_LOCK);
}
//# sourceMappingURL=slots.js.map