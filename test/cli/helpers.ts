/** Runs the real CLI entry point (src/cli/bin.ts) in a child process, as the tests of its verbs do. */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { ADMIN } from "../server/harness.js";

/** What a CLI run left behind: its exit code and its output. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const entry = ["--import", "tsx", "src/cli/bin.ts"];
const timeout = 30_000;

/** The environment that points the CLI at a server, as a user with this token (the admin by default). */
export function serverEnv(url: string, token: string = ADMIN.token): NodeJS.ProcessEnv {
  return { OPSFLOW_ENDPOINT: url, OPSFLOW_TOKEN: token };
}

/**
 * Runs the CLI and waits for it, blocking this process: only for servers in another process
 * (test/server/harness.ts) or none. `env` is added to this process's environment.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [...entry, ...args], {
    encoding: "utf8",
    timeout,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI without blocking: for servers running in this process (test/ops/helpers.ts),
 * which a blocking run would starve. `env` is added to this process's environment.
 */
export async function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...entry, ...args], {
      env: { ...process.env, ...env },
      timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
