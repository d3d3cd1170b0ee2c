/**
 * How a variable's value is written into a template, by placeholder context.
 *
 * AWS behaviour relied on (user guide, Transforming target input, examples and "Common issues
 * with transforming input"; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * - JSON template, outside quotes: the JSON value (`"instance": <instance>` gives
 *   `"instance": "i-0123456789"`; objects and arrays as JSON);
 * - inside a JSON string or in a plain-text template: the value's text without quotes
 *   (`"instance <instance> is in <state>"` gives `"instance i-0123456789 is in RUNNING"`);
 *   an object or array referenced in a string has its internal quotes removed ("Detail is
 *   {symbol: TEST, qty: 100, ...}");
 * - a path that matches nothing: the variable is not created and contributes no text
 *   (recorded against AWS: `"command": "<command>"` with a missing path gives
 *   `"command": ""`, and a missing variable in a plain-text template leaves nothing; LocalStack
 *   snapshot test_put_events_with_input_transformer_input_template_json/_string). Outside
 *   quotes in a JSON template nothing would break the JSON, so opsflow writes `null` there.
 *
 * Deliberate difference: AWS documents that it "doesn't escape values extracted by Input Path"
 * when filling a template, so a value containing `"` or `\` inside a JSON string makes the
 * payload invalid JSON and the invocation fails. opsflow escapes such characters in JSON
 * strings, so a JSON template always yields valid JSON; for every value without `"`, `\` or
 * control characters (all of AWS's examples) the output is identical.
 */
import type { Json } from "../../asl/json.js";
import type { PlaceholderContext } from "./template.js";

/** JSON text of an object or array with every double quote removed, as AWS does in strings. */
function unquoted(value: Json): string {
  return JSON.stringify(value).replace(/"/g, "");
}

/** The text of a value in a string or plain-text context (no surrounding quotes). */
function textOf(value: Json): string {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return String(value);
  return unquoted(value);
}

/** Escapes text for the inside of a JSON string. */
function escapeInString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Renders one variable value (undefined = the path matched nothing) in its context. */
export function renderValue(value: Json | undefined, context: PlaceholderContext): string {
  switch (context) {
    case "value":
      return value === undefined ? "null" : JSON.stringify(value);
    case "string":
      return value === undefined ? "" : escapeInString(textOf(value));
    case "text":
      return value === undefined ? "" : textOf(value);
  }
}
