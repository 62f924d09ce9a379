// Running the built CLI as a child process, for the CLI tests.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** The environment of the CLI runs: numastat folds its tables at NUMASTAT_WIDTH when that is set. */
export function cliEnv(width) {
    const e = { ...process.env };
    delete e.NUMASTAT_WIDTH;
    if (width !== undefined)
        e.NUMASTAT_WIDTH = String(width);
    return e;
}
/** Run the CLI; resolve with its output (rejects on a non-zero exit). */
export async function cli(...args) {
    return run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024, env: cliEnv() });
}
/** Run the CLI with an environment; resolve with its output. */
export async function cliWithEnv(env, ...args) {
    return run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024, env });
}
/** Run the CLI expecting failure; resolve with the exit code and output. */
export async function cliFails(...args) {
    try {
        await cli(...args);
    }
    catch (e) {
        const x = e;
        return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
    expect.fail(`numa-emu ${args.join(' ')} should have failed`);
}
//# sourceMappingURL=run-cli.js.map