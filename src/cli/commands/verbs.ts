/**
 * Commands made of subcommands (`opsflow executions start ...`): one table per noun.
 */
import { type Command, ExitCode, type Io, UsageError } from "../command.js";

/** One subcommand. */
export interface Verb {
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

/** A noun command dispatching to its verbs. */
export function nounCommand(noun: string, summary: string, verbs: Record<string, Verb>): Command {
  const overview = () => {
    const width = Math.max(...Object.keys(verbs).map((v) => v.length));
    return `Usage: opsflow ${noun} <verb> [options]\n\nVerbs:\n${Object.entries(verbs)
      .map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`)
      .join("\n")}\n\nRun 'opsflow ${noun} <verb> --help' for a verb's options.\n`;
  };
  return {
    summary,
    handlesHelp: true,
    get usage() {
      return overview();
    },
    async run(args, io) {
      const [name, ...rest] = args;
      if (name === undefined)
        throw new UsageError(`a verb is needed: ${Object.keys(verbs).join(", ")}`);
      const verb = verbs[name];
      if (!verb)
        throw new UsageError(`unknown verb '${name}' (one of ${Object.keys(verbs).join(", ")})`);
      if (rest.includes("--help") || rest.includes("-h")) {
        io.stdout(verb.usage);
        return ExitCode.Ok;
      }
      return verb.run(rest, io);
    },
  };
}
