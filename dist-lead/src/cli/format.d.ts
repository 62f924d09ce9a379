/**
 * Text layouts of the classic tools, from the machine's own files: `numactl --hardware` and
 * `numastat` in its compatibility mode (no options: raw page counts, 16-column cells).
 */
import { type Machine } from '../machine/machine.js';
/** The facts `numactl --hardware` prints, as data. */
export interface HardwareInfo {
    nodes: {
        id: number;
        cpus: number[];
        sizeMB: number;
        freeMB: number;
    }[];
    distances: Record<number, Record<number, number>>;
}
export declare function hardwareInfo(m: Machine): Promise<HardwareInfo>;
/** numactl --hardware */
export declare function formatHardware(h: HardwareInfo): string;
/** numastat counters per node: row name -> node id -> pages. */
export type NumastatTable = Record<string, Record<number, number>>;
export declare function numastatTable(m: Machine): Promise<NumastatTable>;
/** numastat with no arguments (compatibility mode). */
export declare function formatNumastat(t: NumastatTable, ids: number[]): string;
