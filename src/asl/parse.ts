/**
 * Reads a definition document: JSON when it starts with `{`, YAML otherwise. Malformed input
 * becomes a DefinitionError with one INVALID_JSON_DESCRIPTION diagnostic whose message gives the
 * line and column. Size, nesting depth and YAML alias expansion are bounded so that a hostile
 * document costs little before it is refused.
 */
import { parseDocument } from "yaml";
import { DefinitionError } from "./errors.js";
import { jsonErrorOffset } from "./validation/json-position.js";

/** Limits applied while parsing a definition document. */
export interface ParseLimits {
  /** Largest accepted document, in UTF-8 bytes (default 1 MiB, AWS's definition limit). */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (default 128). */
  maxDepth?: number;
  /** Most YAML alias dereferences accepted, against "billion laughs" documents (default 100). */
  maxAliases?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_DEPTH = 128;
const DEFAULT_MAX_ALIASES = 100;

/** Parses a JSON or YAML definition document into a plain value (not yet validated). */
export function parseDefinitionText(text: string, limits: ParseLimits = {}): unknown {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Cheap upper bound first so a huge string is not scanned twice.
  if (text.length > maxBytes || Buffer.byteLength(text, "utf8") > maxBytes) {
    fail(`The definition is larger than ${maxBytes} bytes`, 1, 1);
  }
  const start = text.search(/\S/);
  // Depth is measured on the text before parsing so that no parser recurses past the limit.
  const tooDeep = findExcessiveNesting(text, maxDepth);
  if (tooDeep !== undefined) {
    const { line, column } = lineColumn(text, tooDeep);
    fail(`The definition is nested deeper than ${maxDepth} levels`, line, column);
  }
  const value = start >= 0 && text[start] === "{" ? parseJson(text) : parseYaml(text, limits);
  if (depthOf(value, maxDepth) > maxDepth) {
    fail(`The definition is nested deeper than ${maxDepth} levels`, 1, 1);
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = lineColumn(text, jsonErrorOffset(text));
    fail(message.replace(/ in JSON at position \d+.*$/s, ""), line, column);
  }
}

function parseYaml(text: string, limits: ParseLimits): unknown {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    fail(`Invalid YAML: ${error instanceof Error ? error.message : String(error)}`, 1, 1);
  }
  const problem = doc.errors[0];
  if (problem !== undefined) {
    const { line, column } = lineColumn(text, problem.pos[0]);
    fail(`Invalid YAML: ${problem.message.split("\n")[0]}`, line, column);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliases ?? DEFAULT_MAX_ALIASES });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 1, 1);
  }
  // A bare scalar is not YAML the user meant: report it as JSON would (AWS's wording).
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    const token = text.trim().split(/[\s,:{}[\]]/)[0];
    const { line, column } = lineColumn(text, text.indexOf(token) + token.length);
    fail(
      `Unrecognized token '${token}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`,
      line,
      column,
    );
  }
  return value ?? null;
}

/** Offset at which bracket nesting first exceeds `maxDepth` (strings skipped), else undefined. */
function findExcessiveNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[") {
      if (++depth > maxDepth) return i;
    } else if (c === "}" || c === "]") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Nesting depth of a parsed value, iteratively, stopping once past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > max) max = depth + 1;
    if (max > limit) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function fail(message: string, line: number, column: number): never {
  throw new DefinitionError([
    {
      code: "INVALID_JSON_DESCRIPTION",
      location: "/",
      message: `${message} (line ${line}, column ${column})`,
      severity: "ERROR",
    },
  ]);
}
