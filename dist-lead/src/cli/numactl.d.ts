import { type Machine } from '../machine/machine.js';
import { type OptSpec } from './args.js';
import { type DumpRange, type NodeRange, type NumactlPlan, type NumactlStep, type PolicyOption } from './numactl-task.js';
export declare const NUMACTL_USAGE = "usage: numa-emu numactl [--interleave= | -i <nodes>] [--membind= | -m <nodes>]\n                        [--preferred= | -p <node>] [--localalloc | -l] [--strict | -t]\n                        (--shm | -S <name> | --file | -f <path>) --length | -L <length>\n                        [--offset | -o <offset>] [--shmmode | -M <mode>] [--shmid | -I <id>]\n                        [--touch | -T] [--dump | -d] [--dump-nodes | -D] [--json]\n                        [--kernel <profile>] [--machine <file>] [--scenario <file>]\n<nodes> is a comma delimited list of node numbers or A-B ranges or all, optionally\ninverted with ! or made relative to the allowed nodes with +.\n<length> and <offset> can have g (GB), m (MB) or k (KB) suffixes and must be page aligned.\n--shm creates (or attaches) a SysV segment keyed from <name>; a <name> under /dev/shm/ is a file.\nThe object is attached first; the policy, --touch, --dump and --dump-nodes then act in\ncommand-line order.\n";
export declare const NUMACTL_OPTS: OptSpec[];
/** The command line of `numactl`, before the machine exists (node lists are parsed later). */
export interface NumactlArgs {
    object: {
        kind: 'sysv';
        name: string;
    } | {
        kind: 'file';
        path: string;
    };
    shmid: number;
    mode: number;
    offset: number;
    length: number;
    policy: {
        option: PolicyOption;
        spec: string | null;
        given: string;
    } | null;
    strict: boolean;
    /** The policy, --touch, --dump and --dump-nodes, in command-line order. */
    steps: NumactlStep[];
}
/** numactl's memsize(): a C integer (decimal, 0x hex, 0 octal) with an optional k/m/g suffix. */
export declare function memsize(opt: string, s: string): number;
/** Parse the numactl command's own options (the global ones were taken out by the caller). */
export declare function parseNumactl(opts: {
    name: string;
    given: string;
    value: string | undefined;
}[], words: string[]): NumactlArgs;
/** The key numa-emu uses for --shm NAME in place of ftok(NAME, shmid): see the module comment. */
export declare function sysvKey(name: string, shmid: number): number;
/**
 * libnuma's __numa_parse_nodestring against `allowed` (the memory nodes: numa_all_nodes_ptr with
 * no cpuset): "0-3", "0,2", "all", "!1" (inverted over node ids below the number of memory
 * nodes, as libnuma does), "+0-1" (relative to the allowed nodes). Throws a UsageError.
 */
export declare function parseNodestring(spec: string, allowed: readonly number[]): number[];
/** Resolve node lists against the machine: the plan the task runs. */
export declare function numactlPlan(args: NumactlArgs, memoryNodes: readonly number[]): NumactlPlan;
/** numactl's policy_name(): util.c knows the four original modes and prints others as [N]. */
export declare function policyName(mode: number): string;
/** dump_shm's line: "%016llx-%016llx: %s " then printmask("", mask): ": " and "%d " per node. */
export declare function dumpLine(d: DumpRange): string;
/** dump_shm_nodes's line: "%016llx-%016llx: %d". */
export declare function dumpNodesLine(d: NodeRange): string;
/** What `numa-emu numactl --json` prints. */
export interface NumactlJson {
    kernel: string;
    pid: number;
    object: {
        kind: 'sysv';
        name: string;
        key: number;
        shmid: number;
        id: number | null;
        created: boolean;
        size: number;
    } | {
        kind: 'file';
        path: string;
        created: boolean;
        size: number;
    };
    offset: number;
    length: number;
    address: string | null;
    policy: {
        option: PolicyOption;
        mode: number;
        name: string;
        nodes: number[];
        strict: boolean;
    } | null;
    touched: boolean;
    dump?: (DumpRange & {
        policy: string;
    })[];
    dumpNodes?: NodeRange[];
    numaMaps: string | null;
}
export interface NumactlResult {
    stdout: string;
    stderr: string;
    json: NumactlJson;
    exitCode: number;
}
/** Run numactl's shared-memory mode on `m` (the scenario, if any, already ran). */
export declare function runNumactl(m: Machine, args: NumactlArgs): Promise<NumactlResult>;
