// A piscina pool worker for the race engine: one machine under test per job.
import { runRaceJob } from '../src/race/jobs.js';

export default runRaceJob;
