import { type Kernel } from './kernel.js';
/** Read a kernel file; `self` is the tid /proc/self names (0 when there is no calling task). */
export declare function readKernelFile(kn: Kernel, path: string, self: number): string | number;
