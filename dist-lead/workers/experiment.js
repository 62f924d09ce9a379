// A piscina pool worker: runs one experiment (a whole machine) per job.
import { runExperimentJob } from '../src/machine/experiment-worker.js';
export default runExperimentJob;
//# sourceMappingURL=experiment.js.map