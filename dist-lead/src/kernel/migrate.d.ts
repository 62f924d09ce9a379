import { type Kernel } from './kernel.js';
/** True if `pfn` can be migrated by switching one entry of this mm. */
export declare function migratableAlone(kn: Kernel, pfn: number): boolean;
/** migrate_pages for one mm, pages given by address: returns how many could not be moved. */
export declare function migrateQueued(kn: Kernel, t: number, m: number, addrs: readonly number[]): number;
