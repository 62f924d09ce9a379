import { rangeList } from '../kernel/nodemask.js';
function meminfoKb(text, key) {
    const m = new RegExp(`${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`).exec(text);
    return m ? Number(m[1]) : 0;
}
export async function hardwareInfo(m) {
    const nodes = await Promise.all(m.nodes.map(async (n) => {
        const mi = await m.readFile(`/sys/devices/system/node/node${n.id}/meminfo`);
        return { id: n.id, cpus: [...n.cpus], sizeMB: meminfoKb(mi, 'MemTotal') >> 10, freeMB: meminfoKb(mi, 'MemFree') >> 10 };
    }));
    const distances = {};
    for (const a of m.nodes) {
        distances[a.id] = {};
        for (const b of m.nodes)
            distances[a.id][b.id] = m.distance(a.id, b.id);
    }
    return { nodes, distances };
}
/** printf("% 3d"): a sign space before a non-negative number, then width 3. */
const d3 = (n) => (n < 0 ? String(n) : ` ${n}`).padStart(3);
/** numactl --hardware */
export function formatHardware(h) {
    const ids = h.nodes.map((n) => n.id);
    let s = `available: ${ids.length} nodes (${rangeList(ids)})\n`;
    for (const n of h.nodes) {
        s += `node ${n.id} cpus:${n.cpus.map((c) => ` ${c}`).join('')}\n`;
        s += `node ${n.id} size: ${n.sizeMB} MB\n`;
        s += `node ${n.id} free: ${n.freeMB} MB\n`;
    }
    s += 'node distances:\nnode ';
    s += ids.map((i) => `${d3(i)} `).join('') + '\n';
    for (const i of ids)
        s += `${d3(i)}: ${ids.map((j) => `${d3(h.distances[i][j])} `).join('')}\n`;
    return s;
}
export async function numastatTable(m) {
    const table = {};
    for (const n of m.nodes) {
        const text = await m.readFile(`/sys/devices/system/node/node${n.id}/numastat`);
        for (const line of text.trim().split('\n')) {
            const [name, value] = line.split(' ');
            (table[name] ??= {})[n.id] = Number(value);
        }
    }
    return table;
}
/** numastat with no arguments (compatibility mode). */
export function formatNumastat(t, ids) {
    let s = ''.padEnd(16) + ids.map((i) => `node${i}`.padStart(16)).join('') + '\n';
    for (const [name, row] of Object.entries(t))
        s += name.padEnd(16) + ids.map((i) => String(row[i]).padStart(16)).join('') + '\n';
    return s;
}
//# sourceMappingURL=format.js.map