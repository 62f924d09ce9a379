import { type ExperimentJob, type ExperimentResult } from './experiments.js';
export declare function runExperimentJob(job: ExperimentJob): Promise<ExperimentResult>;
