import { type Kernel } from './kernel.js';
/** What the audit found. `problems` is empty on a consistent kernel. */
export interface AuditReport {
    problems: string[];
    /** Pages in use per node id (the zero page counts). */
    pagesInUse: Record<number, number>;
    /** mempolicy objects allocated (the default policy not counted). */
    policiesLive: number;
    /** Refcount underflows / increments from zero recorded by the kernel. */
    refcountWarnings: number;
}
/** Audit the kernel (see the module comment for what is checked). */
export declare function auditKernel(kn: Kernel): AuditReport;
