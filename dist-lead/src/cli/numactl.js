/**
 * `numa-emu numactl`: numactl's shared-memory mode (numactl.c main, shm.c, libnuma.c) on a fresh
 * emulated machine. A process (main task on CPU 0) attaches the object, applies the policy with
 * mbind, touches the pages and dumps, all as system calls of that task (numactl-task.ts).
 *
 * Differences from numactl, all forced by one run = one fresh machine or chosen for clarity:
 * - The object options (--shm/--file, --length, --offset, --shmmode, --shmid) and --strict may
 *   come anywhere: the object is attached first. The policy, --touch, --dump and --dump-nodes
 *   then act in command-line order, as numactl acts on each option as it parses it (so
 *   `--touch --strict --membind=1` touches first and the strict mbind then finds the pages).
 *   numactl itself wants the policy after --shm/--file, --length/--offset before them, and
 *   --strict before the policy.
 * - The region is [offset, offset + length) of the object, and a created segment or a short file
 *   is sized offset + length (numactl sizes it `length` and maps `length` bytes from `offset`).
 * - --shm NAME: a SysV segment whose key is derived from NAME like ftok(NAME, shmid):
 *   (shmid & 0xff) << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff), with st_dev = 0 and st_ino
 *   the low 16 bits of the FNV-1a hash of NAME folded (h ^ h >>> 16), 1 if the key would be 0
 *   (IPC_PRIVATE). No key file is created. A NAME starting with /dev/shm/ is a file, as numactl's
 *   tmpfs files are (here a file of the emulator's flat namespace: see the README).
 * - Bad command lines exit with code 2 (numactl exits 1); failures of the emulated system calls
 *   exit with code 1 after numactl's own perror-style lines.
 */
import { fileURLToPath } from 'node:url';
import { MPOL_MF_STRICT } from '../kernel/constants.js';
import { UsageError } from './args.js';
import { hex16 } from './cfmt.js';
export const NUMACTL_USAGE = `usage: numa-emu numactl [--interleave= | -i <nodes>] [--membind= | -m <nodes>]
                        [--preferred= | -p <node>] [--localalloc | -l] [--strict | -t]
                        (--shm | -S <name> | --file | -f <path>) --length | -L <length>
                        [--offset | -o <offset>] [--shmmode | -M <mode>] [--shmid | -I <id>]
                        [--touch | -T] [--dump | -d] [--dump-nodes | -D] [--json]
                        [--kernel <profile>] [--machine <file>] [--scenario <file>]
<nodes> is a comma delimited list of node numbers or A-B ranges or all, optionally
inverted with ! or made relative to the allowed nodes with +.
<length> and <offset> can have g (GB), m (MB) or k (KB) suffixes and must be page aligned.
--shm creates (or attaches) a SysV segment keyed from <name>; a <name> under /dev/shm/ is a file.
The object is attached first; the policy, --touch, --dump and --dump-nodes then act in
command-line order.
`;
export const NUMACTL_OPTS = [
    { long: 'interleave', short: 'i', arg: true },
    { long: 'membind', short: 'm', arg: true },
    { long: 'preferred', short: 'p', arg: true },
    { long: 'localalloc', short: 'l', arg: false },
    { long: 'strict', short: 't', arg: false },
    { long: 'shm', short: 'S', arg: true },
    { long: 'file', short: 'f', arg: true },
    { long: 'length', short: 'L', arg: true },
    { long: 'offset', short: 'o', arg: true },
    { long: 'shmmode', short: 'M', arg: true },
    { long: 'shmid', short: 'I', arg: true },
    { long: 'touch', short: 'T', arg: false },
    { long: 'dump', short: 'd', arg: false },
    { long: 'dump-nodes', short: 'D', arg: false },
];
const PAGE = 4096;
function usage(msg) {
    throw new UsageError(msg, NUMACTL_USAGE);
}
/** strtoul(s, &end, base) over the whole string; null if anything is left over or it is empty. */
function strtoul(s, base) {
    const m = base === 8 ? /^[0-7]+/.exec(s) : /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
    if (!m)
        return null;
    const t = m[0];
    const value = base === 8 ? parseInt(t, 8) : /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : parseInt(t, 10);
    return { value, rest: s.slice(t.length) };
}
/** numactl's memsize(): a C integer (decimal, 0x hex, 0 octal) with an optional k/m/g suffix. */
export function memsize(opt, s) {
    const n = strtoul(s, 0);
    const mult = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 };
    const suffix = n?.rest.toLowerCase();
    if (!n || suffix === undefined || !(suffix in mult))
        usage(`${opt}: bad size '${s}'`);
    const v = n.value * mult[suffix];
    if (!Number.isSafeInteger(v))
        usage(`${opt}: size '${s}' is too large`);
    return v;
}
/** Parse the numactl command's own options (the global ones were taken out by the caller). */
export function parseNumactl(opts, words) {
    if (words.length > 0)
        usage(`unexpected argument '${words[0]}' (numa-emu numactl acts on shared memory only, it runs no command)`);
    let object = null;
    let policy = null;
    let length = null;
    const a = { shmid: 0, mode: 0o600, offset: 0, strict: false, steps: [] };
    for (const o of opts) {
        const v = o.value ?? '';
        switch (o.name) {
            case 'interleave':
            case 'membind':
            case 'preferred':
            case 'localalloc':
                if (policy)
                    usage('Conflicting policies');
                policy = { option: o.name, spec: o.name === 'localalloc' ? null : v, given: o.given };
                a.steps.push('policy');
                break;
            case 'shm':
            case 'file':
                if (object)
                    usage('only one --shm or --file may be given');
                if (v === '')
                    usage(`${o.given} needs a name`);
                object = o.name === 'file' || v.startsWith('/dev/shm/') ? { kind: 'file', path: v } : { kind: 'sysv', name: v };
                break;
            case 'length':
                length = memsize(o.given, v);
                break;
            case 'offset':
                a.offset = memsize(o.given, v);
                break;
            case 'shmmode': {
                const n = strtoul(v, 8);
                if (!n || n.rest !== '' || n.value > 0o777)
                    usage(`${o.given}: bad mode '${v}' (octal permission bits)`);
                a.mode = n.value;
                break;
            }
            case 'shmid': {
                const n = strtoul(v, 0);
                if (!n || n.rest !== '')
                    usage(`${o.given}: bad id '${v}'`);
                a.shmid = n.value;
                break;
            }
            case 'strict':
                a.strict = true;
                break;
            case 'touch':
            case 'dump':
            case 'dump-nodes':
                a.steps.push(o.name);
                break;
        }
    }
    if (!object)
        usage('numactl needs --shm <name> or --file <path>');
    if (length === null || length === 0)
        usage(`policy region length not specified before ${object.kind === 'file' ? '--file' : '--shm'}`);
    if (length % PAGE !== 0 || a.offset % PAGE !== 0)
        usage('policy region not page aligned');
    return { ...a, object, length, policy };
}
/** The key numa-emu uses for --shm NAME in place of ftok(NAME, shmid): see the module comment. */
export function sysvKey(name, shmid) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(name))
        h = Math.imul(h ^ b, 0x01000193) >>> 0;
    let ino = (h ^ (h >>> 16)) & 0xffff;
    if (ino === 0 && (shmid & 0xff) === 0)
        ino = 1;
    return (((shmid & 0xff) << 24) | ino) | 0;
}
/**
 * libnuma's __numa_parse_nodestring against `allowed` (the memory nodes: numa_all_nodes_ptr with
 * no cpuset): "0-3", "0,2", "all", "!1" (inverted over node ids below the number of memory
 * nodes, as libnuma does), "+0-1" (relative to the allowed nodes). Throws a UsageError.
 */
export function parseNodestring(spec, allowed) {
    const bad = (why) => usage(`<${spec}> is invalid: ${why}`);
    const set = new Set();
    const ok = new Set(allowed);
    let s = spec;
    if (s === '')
        return [];
    let invert = false;
    let relative = false;
    if (s[0] === '!') {
        invert = true;
        s = s.slice(1);
    }
    if (s[0] === '+') {
        relative = true;
        s = s.slice(1);
    }
    const getNr = () => {
        const n = strtoul(s, 0);
        if (!n)
            return null;
        s = n.rest;
        if (!relative)
            return n.value;
        const sorted = [...allowed].sort((x, y) => x - y);
        return n.value < sorted.length ? sorted[n.value] : -1;
    };
    if (s === 'all')
        allowed.forEach((n) => set.add(n));
    else {
        for (;;) {
            const start = s;
            const arg = getNr();
            if (arg === null)
                bad(`unparseable node description '${start}'`);
            if (!ok.has(arg))
                bad(`node argument ${arg < 0 ? start : arg} is out of range`);
            set.add(arg);
            if (s[0] === '-') {
                s = s.slice(1);
                const rest = s;
                const arg2 = getNr();
                if (arg2 === null)
                    bad(`missing node argument '${rest}'`);
                if (!ok.has(arg2))
                    bad(`node argument ${arg2 < 0 ? rest : arg2} out of range`);
                for (let n = arg; n <= arg2; n++)
                    if (ok.has(n))
                        set.add(n);
            }
            if (s[0] !== ',')
                break;
            s = s.slice(1);
        }
        if (s !== '')
            bad(`trailing characters '${s}'`);
    }
    if (invert) {
        for (let i = 0; i < allowed.length; i++) {
            if (set.has(i))
                set.delete(i);
            else
                set.add(i);
        }
    }
    return [...set].sort((x, y) => x - y);
}
/** Resolve node lists against the machine: the plan the task runs. */
export function numactlPlan(args, memoryNodes) {
    let policy = null;
    if (args.policy) {
        const nodes = args.policy.spec === null ? [] : parseNodestring(args.policy.spec, memoryNodes);
        if (args.policy.option === 'preferred' && nodes.length === 0)
            usage(`${args.policy.given} needs a node`);
        policy = { option: args.policy.option, nodes };
    }
    const object = args.object.kind === 'file' ? args.object : { kind: 'sysv', name: args.object.name, key: sysvKey(args.object.name, args.shmid), shmid: args.shmid };
    return { object, mode: args.mode, offset: args.offset, length: args.length, policy, strict: args.strict, steps: args.steps };
}
/** numactl's policy_name(): util.c knows the four original modes and prints others as [N]. */
export function policyName(mode) {
    return ['default', 'preferred', 'bind', 'interleave'][mode] ?? `[${mode}]`;
}
/** dump_shm's line: "%016llx-%016llx: %s " then printmask("", mask): ": " and "%d " per node. */
export function dumpLine(d) {
    return `${hex16(d.start)}-${hex16(d.end)}: ${policyName(d.mode)} : ${d.nodes.map((n) => `${n} `).join('')}\n`;
}
/** dump_shm_nodes's line: "%016llx-%016llx: %d". */
export function dumpNodesLine(d) {
    return `${hex16(d.start)}-${hex16(d.end)}: ${d.node}\n`;
}
const TASK_MODULE = fileURLToPath(new URL('./numactl-task.js', import.meta.url));
/** Run numactl's shared-memory mode on `m` (the scenario, if any, already ran). */
export async function runNumactl(m, args) {
    const memoryNodes = m.nodes.filter((n) => n.memory > 0).map((n) => n.id);
    const plan = numactlPlan(args, memoryNodes);
    const p = await m.spawnProcess({ cpu: 0 });
    const o = await p.main.run(TASK_MODULE, 'numactlInTask', plan);
    let stdout = '';
    for (const d of o.dumps)
        stdout += d.kind === 'dump' ? d.ranges.map(dumpLine).join('') : d.ranges.map(dumpNodesLine).join('');
    const size = plan.offset + plan.length;
    const json = {
        kernel: m.profile,
        pid: o.pid,
        object: plan.object.kind === 'sysv'
            ? { kind: 'sysv', name: plan.object.name, key: plan.object.key, shmid: plan.object.shmid, id: o.shmid, created: o.created, size }
            : { kind: 'file', path: plan.object.path, created: o.created, size },
        offset: plan.offset,
        length: plan.length,
        address: o.address === null ? null : `0x${o.address.toString(16)}`,
        policy: o.mbind && plan.policy ? { option: plan.policy.option, mode: o.mbind.mode, name: policyName(o.mbind.mode), nodes: o.mbind.nodes, strict: (o.mbind.flags & MPOL_MF_STRICT) !== 0 } : null,
        touched: o.touched,
        numaMaps: o.numaMaps,
    };
    for (const d of o.dumps) {
        if (d.kind === 'dump')
            json.dump = d.ranges.map((r) => ({ ...r, policy: policyName(r.mode) }));
        else
            json.dumpNodes = d.ranges;
    }
    const stderr = [...o.notices, ...(o.error?.lines ?? [])].map((l) => `${l}\n`).join('');
    return { stdout, stderr, json, exitCode: o.error ? 1 : 0 };
}
//# sourceMappingURL=numactl.js.map