/**
 * The commands sent to an SSH host to run a plugin's script and to kill it. Pure.
 *
 * The script goes on stdin and is saved to a temporary file, which is opened and deleted
 * before it runs, so the script itself gets /dev/null as stdin (as under the agent) rather
 * than the rest of its own text, and no copy stays behind. sshd starts every session command
 * in a new session (setsid), so the login shell, and everything the script starts, share one
 * process group whose id is the shell's pid: the command prints it first, on stdout, so the
 * group can be killed from a second channel.
 */

/** The first stdout line of every run: the remote process group id. */
export const PGID_MARKER = "opsflow-pgid:";

/** Exit code for "the interpreter is missing" (as shells report a missing command). */
export const INTERPRETER_MISSING_EXIT_CODE = 127;

/** Which interpreter runs the script. */
export type ScriptInterpreter = "sh" | "pwsh";

/** Quotes `value` as one POSIX shell word. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line that reads a script from stdin and runs it with `interpreter` in
 * `workingDirectory` (the login directory when undefined). It needs a POSIX login shell.
 */
export function runScriptCommand(
  interpreter: ScriptInterpreter,
  workingDirectory: string | undefined,
): string {
  const lines = [
    `printf '${PGID_MARKER}%s\\n' "$$"`,
    `f=$(mktemp "\${TMPDIR:-/tmp}/opsflow-ssh.XXXXXXXX") || exit ${INTERPRETER_MISSING_EXIT_CODE}`,
    `cat > "$f" || { rm -f -- "$f"; exit ${INTERPRETER_MISSING_EXIT_CODE}; }`,
    `exec 3< "$f"; rm -f -- "$f"`,
  ];
  if (workingDirectory !== undefined && workingDirectory !== "") {
    const dir = shellQuote(workingDirectory);
    lines.push(
      `cd -- ${dir} || { echo "opsflow: the working directory "${dir}" is not usable on this host" >&2; exit 1; }`,
    );
  }
  if (interpreter === "pwsh") {
    lines.push(
      `command -v pwsh > /dev/null 2>&1 || { echo "opsflow: aws:runPowerShellScript needs PowerShell (pwsh) on this host, and it is not installed; install PowerShell 7 or use aws:runShellScript" >&2; exit ${INTERPRETER_MISSING_EXIT_CODE}; }`,
      "exec pwsh -NoProfile -NonInteractive -Command - <&3 3<&-",
    );
  } else {
    lines.push("exec sh /dev/fd/3 < /dev/null");
  }
  return lines.join("\n");
}

/** The command that kills process group `pgid` and everything in it. */
export function killGroupCommand(pgid: number): string {
  return `kill -KILL -- -${pgid} 2> /dev/null; exit 0`;
}
