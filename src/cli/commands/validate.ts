import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DefinitionError, type Diagnostic } from "../../asl/errors.js";
import { parseDefinitionText } from "../../asl/parse.js";
import { validateDefinition } from "../../asl/validation/index.js";
import { type Command, ExitCode, UsageError } from "../command.js";

/** `opsflow validate FILE`: static validation of a state machine definition. */
export const validateCommand: Command = {
  summary: "Check a state machine definition (JSON or YAML) without running it",
  usage: `Usage: opsflow validate FILE [--type STANDARD|EXPRESS] [--json]

Checks FILE (or - for standard input) as AWS does at CreateStateMachine.
Prints nothing and exits 0 when valid; prints one diagnostic per line
(JSON Pointer, code, message) and exits 2 when not.

Options:
  --type TYPE   STANDARD (default) or EXPRESS: express machines reject callbacks and .sync
  --json        print {"valid": bool, "diagnostics": [...]} instead
  -h, --help    show this help
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        type: { type: "string", default: "STANDARD" },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError("expected exactly one FILE");
    const type = values.type?.toUpperCase();
    if (type !== "STANDARD" && type !== "EXPRESS")
      throw new UsageError(`--type must be STANDARD or EXPRESS, not '${values.type}'`);
    const diagnostics = checkFile(positionals[0], type);
    if (values.json)
      io.stdout(`${JSON.stringify({ valid: diagnostics.length === 0, diagnostics })}\n`);
    else for (const d of diagnostics) io.stdout(`${d.location || "/"}: ${d.code}: ${d.message}\n`);
    return diagnostics.length === 0 ? ExitCode.Ok : ExitCode.Invalid;
  },
};

/** Reads and validates a definition file; unreadable or unparsable files become diagnostics. */
export function checkFile(path: string, type: "STANDARD" | "EXPRESS"): Diagnostic[] {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    return [
      {
        code: "INVALID_JSON_DESCRIPTION",
        location: "/",
        message: `cannot read ${path}: ${(error as Error).message}`,
        severity: "ERROR",
      },
    ];
  }
  try {
    return validateDefinition(parseDefinitionText(text), { type });
  } catch (error) {
    if (error instanceof DefinitionError) return [...error.diagnostics];
    throw error;
  }
}
