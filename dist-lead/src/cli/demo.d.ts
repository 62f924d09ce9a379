import { type Machine } from '../machine/machine.js';
import { type NumastatTable } from './format.js';
/** One placement of the demo. */
export interface DemoRegion {
    policy: string;
    cpu: number;
    addr: string;
    /** Node of each page, in address order. */
    pages: number[];
}
export interface DemoResult {
    kernel: string;
    pid: number;
    regions: DemoRegion[];
    numaMaps: string | null;
    numastat: NumastatTable;
}
/** Run the demo workload on `m` and collect what it shows. */
export declare function runDemo(m: Machine): Promise<DemoResult>;
