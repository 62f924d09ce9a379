/**
 * B01 numa-maps-task-setpol-uaf, form b (2.6.23-2.6.25): as form a (b01.ts), but the reader
 * takes a reference on the policy it loaded, after loading the pointer with no lock: the
 * increment lands on what may already be freed (480eccf9ae10 added the reference, not the lock).
 * Fixed (2.6.26): set_mempolicy takes mmap_sem for write.
 */
import { type RaceScenario } from '../scenario.js';
import { race as formA } from './b01.js';

export { reader, setter } from './b01.js';

export const race: RaceScenario = { ...formA, name: 'bug:B01b', module: import.meta.url };
