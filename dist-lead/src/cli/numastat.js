import { cFixed } from './cfmt.js';
const MEGABYTE = 1024 * 1024;
const KILOBYTE = 1024;
const GUTTER = 1;
const F_SEEN = 1 << 2;
const F_NONZERO = 1 << 3;
const F_ALWAYS = 1 << 4;
/** numastat's vtab: header rows and columns, data rows and columns, per-column layout. */
class Table {
    headerRows;
    headerCols;
    cells;
    rowFlags;
    colFlags;
    width;
    decimals;
    right;
    constructor(headerRows, headerCols, dataRows, dataCols) {
        this.headerRows = headerRows;
        this.headerCols = headerCols;
        const rows = headerRows + dataRows;
        const cols = headerCols + dataCols;
        this.cells = Array.from({ length: rows }, () => Array.from({ length: cols }, () => ({ t: 'null' })));
        this.rowFlags = Array(rows).fill(0);
        this.colFlags = Array(cols).fill(0);
        this.width = Array(cols).fill(0);
        this.decimals = Array(cols).fill(0);
        this.right = Array(cols).fill(false);
    }
    get rows() {
        return this.cells.length;
    }
    get cols() {
        return this.cells[0].length;
    }
    set(row, col, c) {
        this.cells[row][col] = c;
    }
    add(row, col, d) {
        const c = this.cells[row][col];
        this.cells[row][col] = { t: 'double', d: (c.t === 'double' ? c.d : 0) + d };
    }
    /** zero_table_data(CELL_TYPE_DOUBLE) */
    zero() {
        for (let r = this.headerRows; r < this.rows; r++)
            for (let c = this.headerCols; c < this.cols; c++)
                this.cells[r][c] = { t: 'double', d: 0 };
    }
    /** fmt_cell_data: the text of a cell, cut to `maxWidth`. */
    text(c, maxWidth, decimals) {
        let s;
        if (c.t === 'null')
            s = '';
        else if (c.t === 'double')
            s = cFixed(c.d, decimals);
        else if (c.t === 'string')
            s = c.s;
        else
            s = c.c.repeat(Math.max(0, maxWidth - GUTTER));
        return s.slice(0, maxWidth);
    }
    /** auto_set_col_width */
    autoWidth(col, min, max) {
        let w = min;
        for (let r = 0; r < this.rows; r++) {
            const c = this.cells[r][col];
            if (c.t === 'rep')
                continue;
            w = Math.max(w, this.text(c, max, this.decimals[col]).length);
        }
        this.width[col] = Math.min(w + GUTTER, max);
    }
    cell(row, col) {
        const w = this.width[col];
        const s = this.text(this.cells[row][col], w, this.decimals[col]);
        return this.right[col] ? s.padStart(w) : s.padEnd(w);
    }
    /** display_table */
    display(screenWidth, showUnseenRows, showUnseenCols, showZeroRows, showZeroCols) {
        let someSeen = false;
        let someNonZero = false;
        for (let r = this.headerRows; r < this.rows; r++) {
            for (let c = this.headerCols; c < this.cols; c++) {
                const cell = this.cells[r][c];
                if (cell.t === 'null' || cell.t === 'rep')
                    continue;
                someSeen = true;
                this.rowFlags[r] |= F_SEEN;
                this.colFlags[c] |= F_SEEN;
                // numastat tests the cell's bits as an integer: any double but +0.0, any string.
                if (cell.t === 'string' || !Object.is(cell.d, 0)) {
                    someNonZero = true;
                    this.rowFlags[r] |= F_NONZERO;
                    this.colFlags[c] |= F_NONZERO;
                }
            }
        }
        if (!someSeen)
            return 'Table has no data.\n';
        if (!someNonZero && !showZeroRows && !showZeroCols)
            return 'Table has no non-zero data.\n';
        const showCol = (c) => (this.colFlags[c] & F_ALWAYS) !== 0 || ((showUnseenCols || (this.colFlags[c] & F_SEEN) !== 0) && (showZeroCols || (this.colFlags[c] & F_NONZERO) !== 0));
        let out = '';
        let col = -1;
        let dataCol = this.headerCols;
        while (dataCol < this.cols) {
            if (!showCol(dataCol)) {
                dataCol++;
                continue;
            }
            if (col > 0)
                out += '\n';
            for (let row = 0; row < this.rows; row++) {
                if (row >= this.headerRows && (this.rowFlags[row] & F_ALWAYS) === 0) {
                    if ((!showUnseenRows && (this.rowFlags[row] & F_SEEN) === 0) || (!showZeroRows && (this.rowFlags[row] & F_NONZERO) === 0))
                        continue;
                }
                let lineWidth = 0;
                for (col = 0; col < this.headerCols; col++) {
                    out += this.cell(row, col);
                    lineWidth += this.width[col];
                }
                col = dataCol;
                for (;;) {
                    if (showCol(col)) {
                        out += this.cell(row, col);
                        lineWidth += this.width[col];
                    }
                    col++;
                    if (col >= this.cols || lineWidth + this.width[col] > screenWidth)
                        break;
                }
                out += '\n';
            }
            dataCol = col;
        }
        return out;
    }
}
/** get_screen_width: NUMASTAT_WIDTH, else the terminal's width, else no folding; at least 32. */
function screenWidth() {
    let w = 80;
    const env = process.env.NUMASTAT_WIDTH;
    if (env !== undefined) {
        w = parseInt(env, 10);
        if (!(w >= 1 && w <= 10000000))
            w = 80;
    }
    else if (process.stdout.isTTY)
        w = process.stdout.columns || 80;
    else
        w = 10000000;
    return Math.max(w, 32);
}
const PROCESS_ROWS = [
    { token: 'huge', label: 'Huge' },
    { token: 'heap', label: 'Heap' },
    { token: 'stack', label: 'Stack' },
    { token: 'N', label: 'Private' },
];
const PRIVATE = 3;
const HUGE = 0;
/**
 * numastat's system_meminfo rows, in display order (tokens of the node meminfo files): the table
 * of numastat.c 20130723 (ends with KReclaimable), with SwapCached after MemUsed as current
 * numastat prints it (kernels since 5.x have SwapCached in node<N>/meminfo). A token missing here
 * makes numastat print "Token <name> not in hash table." before the table, as it does.
 */
export const SYSTEM_MEMINFO_ROWS = [
    'MemTotal', 'MemFree', 'MemUsed', 'SwapCached', 'HighTotal', 'HighFree', 'LowTotal', 'LowFree',
    'Active', 'Inactive', 'Active(anon)', 'Inactive(anon)', 'Active(file)', 'Inactive(file)',
    'Unevictable', 'Mlocked', 'Dirty', 'Writeback', 'FilePages', 'Mapped', 'AnonPages', 'Shmem',
    'KernelStack', 'PageTables', 'NFS_Unstable', 'Bounce', 'WritebackTmp', 'Slab', 'SReclaimable',
    'SUnreclaim', 'AnonHugePages', 'ShmemHugePages', 'ShmemPmdMapped', 'HugePages_Total',
    'HugePages_Free', 'HugePages_Surp', 'KReclaimable',
];
const NUMASTAT_ROWS = [
    { token: 'numa_hit', label: 'Numa_Hit' },
    { token: 'numa_miss', label: 'Numa_Miss' },
    { token: 'numa_foreign', label: 'Numa_Foreign' },
    { token: 'interleave_hit', label: 'Interleave_Hit' },
    { token: 'local_node', label: 'Local_Node' },
    { token: 'other_node', label: 'Other_Node' },
];
/** What numa-emu answers for the Name: field of /proc/<pid>/status. */
export function commOf(pid) {
    return `task${pid}`;
}
/** Set up the node and Total column headers, the dashed rule and the number format. */
function nodeColumns(t, headers, o) {
    headers.forEach((h, i) => {
        const col = t.headerCols + i;
        t.set(0, col, { t: 'string', s: h });
        t.set(1, col, { t: 'rep', c: '-' });
        t.width[col] = 16;
        t.decimals[col] = o.compress ? 0 : 2;
        t.right[col] = true;
    });
}
/** Per-category (Huge, Heap, Stack, Private) MB per node of one process, from its numa_maps text. */
function processCategories(maps, nodes) {
    const cats = PROCESS_ROWS.map(() => nodes.map(() => 0));
    for (const line of maps.split('\n')) {
        let category = PRIVATE;
        // numastat multiplies by the line's kernelpagesize_kB; without one, by the base page size
        // (the huge page size for a "huge" line: 2 MiB here, numa-emu has no /proc/meminfo).
        const pageKb = /kernelpagesize_kB=(\d+)/.exec(line);
        for (const tok of line.split(/[ \t\r]+/).filter((x) => x !== '')) {
            if (category === PRIVATE) {
                const c = PROCESS_ROWS.findIndex((r, i) => i < PRIVATE && tok.startsWith(r.token));
                if (c >= 0)
                    category = c;
            }
            if (tok[0] !== 'N')
                continue;
            const mm = /^(\d*)(.*)$/.exec(tok.slice(1));
            if (mm[2][0] !== '=')
                throw new Error('node value parse error');
            const col = nodes.indexOf(Number(mm[1] || 0));
            if (col < 0)
                continue;
            const pages = parseInt(mm[2].slice(1), 10) || 0;
            const bytes = pageKb ? Number(pageKb[1]) * KILOBYTE : category === HUGE ? 2 * MEGABYTE : 4096;
            cats[category][col] += (pages * bytes) / MEGABYTE;
        }
    }
    return cats;
}
function mbRow(name, values, nodes) {
    const per = {};
    nodes.forEach((n, i) => (per[n] = values[i]));
    return { name, nodes: per, total: values.reduce((a, b) => a + b, 0) };
}
/** show_process_info */
async function processInfo(m, o, nodes, out) {
    const reports = [];
    const sub = o.verbose || o.pids.length === 1;
    const dataRows = sub ? PROCESS_ROWS.length : o.pids.length;
    const t = new Table(2, 1, dataRows + 2, nodes.length + 1);
    const totalCol = 1 + nodes.length;
    const totalRow = 2 + dataRows + 1;
    t.set(totalRow, 0, { t: 'string', s: 'Total' });
    if (sub)
        PROCESS_ROWS.forEach((r, i) => t.set(2 + i, 0, { t: 'string', s: r.label }));
    else {
        t.set(0, 0, { t: 'string', s: 'PID' });
        t.set(1, 0, { t: 'rep', c: '-' });
        out.text += '\nPer-node process memory usage (in MBs)\n';
    }
    t.width[0] = 16;
    nodeColumns(t, [...nodes.map((n) => `Node ${n}`), 'Total'], o);
    t.zero();
    for (let ix = 0; ix < o.pids.length; ix++) {
        const pid = o.pids[ix];
        let maps;
        try {
            maps = await m.readFile(`/proc/${pid}/numa_maps`);
        }
        catch {
            maps = null;
        }
        // numastat prints the Name: of /proc/<pid>/status, and "(null)" when there is none.
        const comm = maps === null ? null : commOf(pid);
        if (sub) {
            out.text += `\nPer-node process memory usage (in MBs) for PID ${pid} (${comm ?? '(null)'})\n`;
            if (ix > 0)
                t.zero();
        }
        else
            t.set(2 + ix, 0, { t: 'string', s: `${pid} (${comm ?? '(null)'})`.slice(0, 63) });
        if (maps === null) {
            out.err += `Can't read /proc/${pid}/numa_maps: No such file or directory\n`;
            reports.push({ pid, comm, nodes, rows: [], error: 'ENOENT' });
            continue;
        }
        const cats = processCategories(maps, nodes);
        const total = nodes.map((_, i) => cats.reduce((s, c) => s + c[i], 0));
        reports.push({ pid, comm, nodes, rows: [...PROCESS_ROWS.map((r, k) => mbRow(r.label, cats[k], nodes)), mbRow('Total', total, nodes)] });
        cats.forEach((values, k) => values.forEach((v, i) => {
            const row = 2 + (sub ? k : ix);
            t.add(row, 1 + i, v);
            t.add(row, totalCol, v);
            t.add(totalRow, 1 + i, v);
            t.add(totalRow, totalCol, v);
        }));
        if (sub || ix + 1 === o.pids.length) {
            if (o.compress)
                for (let c = 0; c < 2 + nodes.length; c++)
                    t.autoWidth(c, 4, 16);
            else
                t.autoWidth(0, 16, 24);
            t.rowFlags[totalRow - 1] |= F_ALWAYS;
            for (let c = 0; c < 2 + nodes.length; c++)
                t.set(totalRow - 1, c, { t: 'rep', c: '-' });
            out.text += t.display(screenWidth(), false, false, !o.skipZeros, !o.skipZeros);
        }
    }
    return reports;
}
/** show_info_from_system_file */
async function systemFile(m, o, nodes, file, out) {
    const meta = file === 'meminfo' ? SYSTEM_MEMINFO_ROWS.map((s) => ({ token: s, label: s })) : NUMASTAT_ROWS;
    const tokOffset = file === 'meminfo' ? 2 : 0;
    const index = new Map(meta.map((r, i) => [r.token, i]));
    const t = new Table(2, 1, meta.length, nodes.length + 1);
    const totalCol = 1 + nodes.length;
    meta.forEach((r, i) => t.set(2 + i, 0, { t: 'string', s: r.label }));
    t.width[0] = 16;
    nodeColumns(t, [...nodes.map((n) => `Node ${n}`), 'Total'], o);
    for (let j = 0; j < nodes.length; j++) {
        const text = await m.readFile(`/sys/devices/system/node/node${nodes[j]}/${file}`);
        for (const line of text.split('\n')) {
            const tok = line.split(/[ \t\r:]+/).filter((s) => s !== '');
            if (tok.length === 0)
                continue;
            const i = index.get(tok[tokOffset]);
            if (i === undefined) {
                out.text += `Token ${tok[tokOffset]} not in hash table.\n`;
                continue;
            }
            let v = parseInt(tok[1 + tokOffset], 10) || 0;
            const mult = tok.length < 4 ? 4096 : tok[2].startsWith('HugePages') ? 2 * MEGABYTE : tok[4]?.startsWith('kB') ? KILOBYTE : 1;
            v = (v * mult) / MEGABYTE;
            t.set(2 + i, 1 + j, { t: 'double', d: v });
            t.add(2 + i, totalCol, v);
        }
    }
    if (o.compress)
        for (let c = 0; c < 2 + nodes.length; c++)
            t.autoWidth(c, 4, 16);
    out.text += t.display(screenWidth(), false, false, !o.skipZeros, !o.skipZeros);
    const rows = [];
    meta.forEach((r, i) => {
        const cells = t.cells[2 + i];
        if (!cells.slice(1).some((c) => c.t === 'double'))
            return;
        rows.push(mbRow(r.label, nodes.map((_, j) => (cells[1 + j].t === 'double' ? cells[1 + j].d : 0)), nodes));
    });
    return { nodes, rows };
}
/** numastat with options: the process tables, then -m, then -n (also when nothing else was asked). */
export async function runNumastat(m, o) {
    const nodes = m.nodes.map((n) => n.id).sort((a, b) => a - b);
    const out = { text: '', err: '' };
    const report = { unit: 'MB' };
    const pids = [...new Set(o.pids)].sort((a, b) => a - b);
    if (pids.length > 0)
        report.processes = await processInfo(m, { ...o, pids }, nodes, out);
    if (o.meminfo) {
        out.text += '\nPer-node system memory usage (in MBs):\n';
        report.system = await systemFile(m, o, nodes, 'meminfo', out);
    }
    if (o.numastat || (pids.length === 0 && !o.meminfo)) {
        out.text += '\nPer-node numastat info (in MBs):\n';
        report.numastat = await systemFile(m, o, nodes, 'numastat', out);
    }
    const failed = report.processes?.some((p) => p.error) ?? false;
    return { stdout: out.text, stderr: out.err, report, exitCode: failed ? 1 : 0 };
}
//# sourceMappingURL=numastat.js.map