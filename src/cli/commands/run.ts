import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { MachineDefinition } from "../../asl/definition.js";
import { type Json, jsonDepth, MAX_JSON_DEPTH } from "../../asl/json.js";
import { parseDefinitionText } from "../../asl/parse.js";
import { compileMachine } from "../../evaluator/index.js";
import { systemClock, VirtualClock } from "../../kernel/clock.js";
import { runInMemory } from "../../runtime/in-memory.js";
import { localFunctions } from "../../tasks/local-functions.js";
import { type Command, ExitCode, UsageError } from "../command.js";
import { checkFile } from "./validate.js";

/** `opsflow run FILE`: runs a state machine in memory and prints how it ended. */
export const runCommand: Command = {
  summary: "Run a state machine in memory and print its result as JSON",
  usage: `Usage: opsflow run FILE [--input JSON|@FILE] [--functions MODULE] [--history] [--fast-forward]

Runs the definition in FILE in this process, with nothing stored, and prints one JSON
object on stdout: {"status":"SUCCEEDED","output":...} or {"status":"FAILED","error":...,"cause":...}.
Exit code: 0 SUCCEEDED, 1 FAILED / TIMED_OUT, 2 invalid definition or input.

Options:
  --input JSON|@FILE   execution input (default {}); @path reads a file, @- standard input
  --functions MODULE   a JS module whose exports are task handlers: handler(event, context).
                       Lambda resources call the export named like the function; other
                       resources call the export named by the full resource ARN.
  --history            add "history": the execution's events
  --fast-forward       do not really wait (Wait states, retry back-off, timeouts)
  --type TYPE          STANDARD (default) or EXPRESS
  -h, --help           show this help
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        input: { type: "string", default: "{}" },
        functions: { type: "string" },
        history: { type: "boolean", default: false },
        "fast-forward": { type: "boolean", default: false },
        type: { type: "string", default: "STANDARD" },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected exactly one FILE");
    const type = values.type?.toUpperCase() === "EXPRESS" ? "EXPRESS" : "STANDARD";
    const invalid = (error: string, details: object = {}) => {
      io.stdout(`${JSON.stringify({ status: "INVALID", error, ...details })}\n`);
      io.stderr(`opsflow run: ${error}\n`);
      return ExitCode.Invalid;
    };
    const diagnostics = checkFile(positionals[0], type);
    if (diagnostics.length > 0) {
      for (const d of diagnostics) io.stderr(`${d.location || "/"}: ${d.code}: ${d.message}\n`);
      return invalid("the definition is invalid", { diagnostics });
    }
    let input: Json;
    try {
      input = readInput(values.input ?? "{}");
    } catch (error) {
      return invalid(`--input is not valid JSON: ${(error as Error).message}`);
    }
    if (jsonDepth(input) > MAX_JSON_DEPTH)
      return invalid(`--input nests deeper than ${MAX_JSON_DEPTH} levels`);
    const handlers = values.functions
      ? await import(pathToFileURL(resolve(values.functions)).href)
      : {};
    const definition = parseDefinitionFile(positionals[0]);
    const result = await runInMemory(compileMachine(definition), input, {
      dispatcher: localFunctions(handlers),
      clock: values["fast-forward"] ? new VirtualClock() : systemClock,
      history: values.history,
    });
    io.stdout(`${JSON.stringify(result)}\n`);
    return result.status === "SUCCEEDED" ? ExitCode.Ok : ExitCode.Failed;
  },
};

function readInput(value: string): Json {
  const text = value.startsWith("@")
    ? readFileSync(value === "@-" ? 0 : value.slice(1), "utf8")
    : value;
  return JSON.parse(text) as Json;
}

function parseDefinitionFile(path: string): MachineDefinition {
  // checkFile has validated it; this parse only recovers the value.
  return parseDefinitionText(readFileSync(path === "-" ? 0 : path, "utf8")) as MachineDefinition;
}
