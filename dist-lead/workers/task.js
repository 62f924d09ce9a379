// An emulated task's worker: runs the task's system calls and experiments synchronously.
import { workerData } from 'node:worker_threads';
import { expose } from 'threads/worker';
import { taskWorkerApi } from '../src/machine/task-worker.js';
expose(taskWorkerApi(workerData));
//# sourceMappingURL=task.js.map