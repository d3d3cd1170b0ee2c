/**
 * What every `opsflow` command looks like, and the exit codes they share.
 */

/** Exit codes: 0 success, 1 the work ran and failed, 2 bad usage or invalid input. */
export const ExitCode = { Ok: 0, Failed: 1, Invalid: 2, Internal: 70 } as const;

/** Where a command writes; injected so tests can run commands in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** One `opsflow` command. */
export interface Command {
  /** One line for `opsflow --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** True when the command answers `--help` itself (commands with verbs). */
  readonly handlesHelp?: boolean;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: Io): Promise<number>;
}

/** A usage error: reported with the command's usage hint and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
