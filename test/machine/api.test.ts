// The published API as an editor sees it: the compiled declarations (dist/src/index.d.ts) read
// with the TypeScript compiler, and the run-time values behind the names the API takes.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as api from '../../src/index.js';
import { SYSCALL_NAMES } from '../../src/machine/task-worker.js';

const INDEX_DTS = fileURLToPath(new URL('../../src/index.d.ts', import.meta.url));

interface Member {
  doc: string;
  tags: string[];
}

/**
 * The members of each exported class, with their documentation, as the compiler reports them to
 * a consumer without @types/node (the ES library and explicit resource management only), and
 * the errors that consumer's compiler reports in the declarations.
 */
function publishedMembers(names: string[]): { members: Record<string, Record<string, Member>>; errors: string[] } {
  const lib = ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'];
  const program = ts.createProgram([INDEX_DTS], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, lib, types: [], strict: true });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(INDEX_DTS)!)!);
  const out: Record<string, Record<string, Member>> = {};
  for (const name of names) {
    const sym = exports.find((e) => e.name === name)!;
    const cls = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    out[name] = {};
    for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(cls))) {
      if (p.name === '#private') continue; // ES private fields: published as a brand, with no name or type
      out[name][p.name] = { doc: ts.displayPartsToString(p.getDocumentationComment(checker)), tags: p.getJsDocTags(checker).map((t) => t.name) };
    }
  }
  return { members: out, errors };
}

describe('the published API', function () {
  this.timeout(30_000);
  let members: Record<string, Record<string, Member>>;
  let errors: string[];
  before(() => {
    ({ members, errors } = publishedMembers(['Sys', 'Task', 'Process', 'Machine']));
  });

  it('the declarations compile for a consumer with only the ES2022 library and esnext.disposable (no @types/node needed)', () => {
    expect(errors).to.deep.equal([]);
  });

  it('every Sys call has TSDoc naming its C call and the errors it throws; each Task call shows the same documentation', () => {
    const sys = members.Sys;
    expect(Object.keys(sys)).to.include.members([...SYSCALL_NAMES, 'getpid', 'gettid']);
    for (const [name, m] of Object.entries(sys)) {
      expect(m.doc, `Sys.${name}`).to.not.equal('');
      expect(m.tags.includes('throws') || m.doc.includes('Never fails'), `Sys.${name} says what it throws`).to.equal(true);
    }
    for (const name of ['setMempolicy', 'getMempolicy', 'mbind', 'mmap', 'munmap', 'shmget', 'shmat', 'open', 'read', 'write']) {
      expect(sys[name].doc, `Sys.${name}`).to.match(/^`[a-z_ *]+ \*?[a-z_]+\(/);
    }
    for (const name of SYSCALL_NAMES) expect(members.Task[name], `Task.${name}`).to.deep.equal(sys[name]);
  });

  it('every public member of Task, Process and Machine is documented, and no internal member is published', () => {
    const internal: Record<string, string[]> = {
      Sys: ['kn', 'slot', 'lastMask', 'lastMaskLo', 'readAt', 'mm', 'covered', 'maskBigint'],
      Task: ['host', 'slot', 'state', 'request', 'refusal'],
      Process: ['adopt', 'endTask', 'deThread', 'exitWithin', 'refusal', 'live'],
      Machine: ['kn', 'bufs', 'nodeHosts', 'reap', 'startTask', 'adoptProcess', 'forget', 'fault', 'refusal', 'setSpawnParent', 'graceMs', 'processes'],
    };
    for (const [cls, names] of Object.entries(internal)) {
      expect(Object.keys(members[cls]), cls).to.not.include.any.members(names);
      for (const [name, m] of Object.entries(members[cls])) expect(m.doc, `${cls}.${name}`).to.not.equal('');
    }
    expect(Object.keys(members.Machine)).to.include.members(['close', 'audit', 'faults', 'writeFile']);
    expect(Object.keys(members.Machine).filter((k) => k.includes('asyncDispose')), 'await using').to.have.length(1);
  });

  it('PreemptPoint and the constants the API takes exist at run time', () => {
    const runtime = api as unknown as Record<string, unknown>;
    expect(runtime.PreemptPoint, 'PreemptPoint').to.be.an('object');
    const points = runtime.PreemptPoint as Record<string, unknown>;
    for (const k of ['Lock', 'Unlock', 'RefGet', 'RefPut', 'Site', 'Block', 'Start', 'End']) expect(points[k], k).to.be.a('number');
    const kinds = runtime.LockKind as Record<string, unknown>;
    for (const k of ['Spin', 'RwsemRead', 'RwsemWrite', 'RwlockRead', 'RwlockWrite', 'Mutex']) expect(kinds[k], k).to.be.a('number');
    for (const k of ['MPOL_DEFAULT', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_F_NODE', 'MPOL_MF_STRICT', 'MAP_ANONYMOUS', 'PROT_WRITE', 'O_CREAT', 'IPC_CREAT', 'PAGE_SIZE']) expect(runtime[k], k).to.be.a('number');
    expect(runtime.PROFILE_NAMES).to.be.an('array').that.includes('6.12');
  });
});
