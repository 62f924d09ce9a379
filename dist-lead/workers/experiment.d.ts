import { runExperimentJob } from '../src/machine/experiment-worker.js';
export default runExperimentJob;
