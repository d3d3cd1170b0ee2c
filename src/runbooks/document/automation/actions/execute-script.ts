/** aws:executeScript: a Python, Node or PowerShell handler with InputPayload as its events. */
import { invalid, shown } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { deferred, known, required, typed } from "../inputs.js";

const RUNTIME = /^(python3(\.\d+)?|nodejs.*|PowerShell.*)$/;

export const executeScript: AutomationActionDefinition = {
  outputs: { Payload: "StringMap" },
  maxTimeoutSeconds: 600,
  verbatimInputs: ["Script"],
  check(inputs, at) {
    known(
      inputs,
      ["Runtime", "Handler", "Script", "Attachment", "InputPayload"],
      at,
      "aws:executeScript",
    );
    required(inputs, ["Runtime"], at, "aws:executeScript");
    typed(inputs, "Runtime", "string", at);
    const runtime = inputs.Runtime;
    if (typeof runtime === "string" && !deferred(runtime) && !RUNTIME.test(runtime))
      invalid(
        pointer(at, "Runtime"),
        `expected a runtime python3.x, nodejs* or PowerShell*, got ${shown(runtime)}`,
      );
    if (inputs.Script === undefined && inputs.Attachment === undefined)
      invalid(pointer(at, "Script"), "expected Script or Attachment (the code to run)");
    if (inputs.Script !== undefined && inputs.Attachment !== undefined)
      invalid(pointer(at, "Attachment"), "expected Script or Attachment, not both");
    // Python and Node name their entry point; PowerShell runs the script itself.
    if (typeof runtime === "string" && !runtime.startsWith("PowerShell"))
      required(inputs, ["Handler"], at, `aws:executeScript with ${runtime}`);
    typed(inputs, "Handler", "string", at);
    typed(inputs, "Script", "string", at);
    typed(inputs, "Attachment", "string", at);
    typed(inputs, "InputPayload", "object", at);
  },
};
