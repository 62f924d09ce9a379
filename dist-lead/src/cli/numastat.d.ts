/**
 * `numa-emu numastat` with options: numastat.c's MB tables (numactl repository, numastat.c by
 * Bill Gray, 2012; version 20130723 with the node_ix_map column lookup and KReclaimable): the
 * per-process table of -p from /proc/<pid>/numa_maps, the per-node meminfo table of -m, the
 * numastat counters of -n, with -c (compress), -z (skip zeros) and -v (per-PID tables for several
 * PIDs). Tables are built and displayed as numastat's vtab code does (display_table): a left
 * header column (16 wide, left-justified; 16..24 by content for -p), 16-wide right-justified
 * columns "Node <N>" and "Total" with two decimals, a rule of 15 dashes under each, rows without
 * data skipped, lines folded at the screen width (NUMASTAT_WIDTH, else the terminal's, else none).
 *
 * A process's command name (numastat reads the Name: line of /proc/<pid>/status, which numa-emu
 * does not serve) is "task<pid>".
 */
import { type Machine } from '../machine/machine.js';
/** numastat's options (besides the PIDs). */
export interface NumastatOptions {
    pids: number[];
    meminfo: boolean;
    numastat: boolean;
    compress: boolean;
    skipZeros: boolean;
    verbose: boolean;
}
/** One table as data: rows of per-node MB values and their total. */
export interface MbTable {
    nodes: number[];
    rows: {
        name: string;
        nodes: Record<number, number>;
        total: number;
    }[];
}
export interface ProcessReport extends MbTable {
    pid: number;
    comm: string | null;
    /** Set when /proc/<pid>/numa_maps could not be read. */
    error?: string;
}
export interface NumastatReport {
    unit: 'MB';
    processes?: ProcessReport[];
    system?: MbTable;
    numastat?: MbTable;
}
/**
 * numastat's system_meminfo rows, in display order (tokens of the node meminfo files): the table
 * of numastat.c 20130723 (ends with KReclaimable), with SwapCached after MemUsed as current
 * numastat prints it (kernels since 5.x have SwapCached in node<N>/meminfo). A token missing here
 * makes numastat print "Token <name> not in hash table." before the table, as it does.
 */
export declare const SYSTEM_MEMINFO_ROWS: string[];
/** What numa-emu answers for the Name: field of /proc/<pid>/status. */
export declare function commOf(pid: number): string;
/** numastat with options: the process tables, then -m, then -n (also when nothing else was asked). */
export declare function runNumastat(m: Machine, o: NumastatOptions): Promise<{
    stdout: string;
    stderr: string;
    report: NumastatReport;
    exitCode: number;
}>;
