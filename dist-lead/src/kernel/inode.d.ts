import { type Kernel } from './kernel.js';
/** A new inode of `kind` with one reference; slot or -ENOMEM. */
export declare function inodeCreate(kn: Kernel, kind: number, pages: number): number;
/** iput: drop a reference; the last one frees everything the inode owns. */
export declare function inodePut(kn: Kernel, s: number): void;
