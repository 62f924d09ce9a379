/**
 * Lane diagrams: an execution drawn one column per task and one row per step that matters (the
 * named sites the tasks pass, every switch between tasks, blocking, ends, injected faults and
 * the report), as text for a terminal and as a self-contained HTML page.
 */
import { StepKind } from './control.js';
import { type Report } from './detect.js';
import { type TraceStep } from './executor.js';
import { isPrimitiveSite, siteName } from './sites.js';

/** One row of a diagram: a step and, per task, what that task did (empty string: nothing). */
export interface LaneRow {
  step: number;
  cells: string[];
  /** A report is drawn on this row. */
  report?: boolean;
}

function label(s: TraceStep): string {
  const name = siteName(s.site);
  switch (s.kind) {
    case StepKind.End:
      return 'ends';
    case StepKind.Block:
      return `blocks at ${name}`;
    default:
      return s.occ > 1 ? `${name} #${s.occ}` : name;
  }
}

/** The rows of the diagram of `trace` for `ntasks` tasks, with `reports` drawn where they fired. */
export function laneRows(trace: readonly TraceStep[], ntasks: number, reports: readonly Report[]): LaneRow[] {
  const rows: LaneRow[] = [];
  const reportAt = new Map<number, Report[]>();
  for (const r of reports) reportAt.set(r.step, [...(reportAt.get(r.step) ?? []), r]);
  for (let s = 0; s < trace.length; s++) {
    const st = trace[s];
    const cells = Array<string>(ntasks).fill('');
    const switches = st.next >= 0 && st.next !== st.task;
    const matters = switches || st.kind !== StepKind.Point || !isPrimitiveSite(st.site) || reportAt.has(s);
    if (!matters) continue;
    if (st.task >= 0) cells[st.task] = label(st);
    if (switches) {
      if (st.task >= 0) cells[st.task] += st.kind === StepKind.Point ? '  ⇥ preempted' : '';
      cells[st.next] = `${cells[st.next] ? `${cells[st.next]}  ` : ''}▶ runs`;
    }
    const here = reportAt.get(s) ?? [];
    for (const r of here) {
      const t = Number(r.task.slice(1)) - 1;
      if (t >= 0 && t < ntasks) cells[t] = `${cells[t] ? `${cells[t]}  ` : ''}✖ ${r.kind} at ${r.site}`;
    }
    rows.push({ step: s, cells, report: here.length > 0 });
  }
  for (const r of reports) if (r.step < 0 || r.step >= trace.length) rows.push({ step: -1, cells: [`✖ ${r.kind} (${r.task === 'kernel' ? 'end of execution' : r.task}): ${r.message}`], report: true });
  return rows;
}

/** The diagram as text: a header of task names, then the rows. */
export function lanesText(rows: readonly LaneRow[], ntasks: number, width = 40): string {
  const head = `${'step'.padStart(5)}  ${Array.from({ length: ntasks }, (_, i) => `T${i + 1}`.padEnd(width)).join('')}`.trimEnd();
  const lines = rows.map((r) => {
    const step = r.step >= 0 ? String(r.step).padStart(5) : '     ';
    if (r.step < 0) return `${step}  ${r.cells[0]}`;
    return `${step}  ${r.cells.map((c) => (c.length > width - 2 ? `${c.slice(0, width - 3)}…` : c).padEnd(width)).join('')}`.trimEnd();
  });
  return [head, ...lines].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The diagram as an HTML table (a fragment; see htmlPage for a whole page). */
export function lanesHtml(rows: readonly LaneRow[], ntasks: number): string {
  const head = `<tr><th>step</th>${Array.from({ length: ntasks }, (_, i) => `<th>T${i + 1}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      if (r.step < 0) return `<tr class="report"><td></td><td colspan="${ntasks}">${escapeHtml(r.cells[0])}</td></tr>`;
      const cells = r.cells.map((c) => `<td${c.includes('▶') ? ' class="run"' : ''}>${escapeHtml(c)}</td>`).join('');
      return `<tr${r.report ? ' class="report"' : ''}><td class="step">${r.step}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="lanes">\n${head}\n${body}\n</table>`;
}

/** A self-contained HTML page around `body`. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
table.lanes td { font: 12px/1.3 ui-monospace, monospace; white-space: nowrap; }
td.step { color: #888; text-align: right; }
td.run { background: #eef6ff; }
tr.report td { background: #ffecec; font-weight: bold; }
code, pre { font: 12px ui-monospace, monospace; background: #f6f6f6; }
pre { padding: 0.5em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.ok { color: #1a7f37; } .bad { color: #cf222e; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

/** Escape text for HTML (for callers building pages). */
export { escapeHtml };
