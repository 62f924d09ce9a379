// A NUMA node's worker: owns the node's memory buffer and serves node-level requests.
import { expose } from 'threads/worker';
import { nodeWorkerApi } from '../src/machine/node-worker.js';
expose(nodeWorkerApi());
//# sourceMappingURL=node.js.map