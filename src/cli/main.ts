/**
 * The `opsflow` command line: `opsflow <command> [options]`.
 */
import { type Command, ExitCode, type Io, UsageError } from "./command.js";

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * The command table, loaded on demand. `opsflow agent` loads only its own module: the agent
 * runs on every managed node and must stay small, without the server's dependencies.
 */
async function commandNamed(name: string): Promise<Command | undefined> {
  if (name === "agent") return (await import("./commands/agent.js")).agentCommand;
  const { commands } = await import("./commands/index.js");
  return Object.hasOwn(commands, name) ? commands[name] : undefined;
}

async function overview(): Promise<string> {
  const { commands } = await import("./commands/index.js");
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: opsflow <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun 'opsflow <command> --help' for a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(await overview());
    return name === undefined ? ExitCode.Invalid : ExitCode.Ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout("opsflow 0.1.0\n");
    return ExitCode.Ok;
  }
  const command = await commandNamed(name);
  if (command === undefined) {
    io.stderr(`opsflow: unknown command '${name}'.\n\n${await overview()}`);
    return ExitCode.Invalid;
  }
  const help = rest.includes("--help") || rest.includes("-h");
  if (help && (!command.handlesHelp || rest.length === 1)) {
    io.stdout(command.usage);
    return ExitCode.Ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr(
        `opsflow ${name}: ${(error as Error).message}\nRun 'opsflow ${name} --help' for usage.\n`,
      );
      return ExitCode.Invalid;
    }
    io.stderr(`opsflow ${name}: internal error: ${(error as Error).stack ?? error}\n`);
    return ExitCode.Internal;
  }
}
