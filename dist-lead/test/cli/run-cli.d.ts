/** The environment of the CLI runs: numastat folds its tables at NUMASTAT_WIDTH when that is set. */
export declare function cliEnv(width?: number): NodeJS.ProcessEnv;
/** Run the CLI; resolve with its output (rejects on a non-zero exit). */
export declare function cli(...args: string[]): Promise<{
    stdout: string;
    stderr: string;
}>;
/** Run the CLI with an environment; resolve with its output. */
export declare function cliWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{
    stdout: string;
    stderr: string;
}>;
/** Run the CLI expecting failure; resolve with the exit code and output. */
export declare function cliFails(...args: string[]): Promise<{
    code: number;
    stdout: string;
    stderr: string;
}>;
