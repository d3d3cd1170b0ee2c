/**
 * The JSONata query language as Step Functions embeds it: `{% expression %}` strings, the
 * `$states` binding, workflow variables as `$name`, and AWS's extra functions.
 */
import jsonata from "jsonata";
import { StatesError, StatesErrorName } from "./errors.js";
import type { Json } from "./json.js";
import { jsonataFunctions } from "./jsonata-functions.js";

/** A JSONata expression parsed once at load time. */
export interface CompiledJsonata {
  /** The expression text without the `{% %}` delimiters. */
  readonly text: string;
  /**
   * Evaluates with the given bindings (`states` and variables); undefined when it yields
   * nothing. Failures are States.QueryEvaluationError whose cause completes the sentence
   * "The JSONata expression '…' specified for the field '…' ".
   */
  evaluate(bindings: Record<string, unknown>): Promise<Json | undefined>;
}

/** A JSONata expression that does not parse. */
export class JsonataSyntaxError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
    this.name = "JsonataSyntaxError";
  }
}

/** True for a string of the form `{% ... %}`. */
export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("{%") && value.endsWith("%}");
}

/** Compiles `{% expr %}` (or a bare expression). Throws JsonataSyntaxError. */
export function compileJsonata(source: string): CompiledJsonata {
  const text = isJsonataTemplate(source) ? source.slice(2, -2).trim() : source;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text);
  } catch (error) {
    throw new JsonataSyntaxError(text, (error as Error).message);
  }
  for (const [name, implementation] of Object.entries(jsonataFunctions)) {
    expression.registerFunction(name, implementation as (...args: unknown[]) => unknown);
  }
  return {
    text,
    async evaluate(bindings) {
      try {
        return normalize(await expression.evaluate(undefined, bindings));
      } catch (error) {
        if (error instanceof StatesError) throw error;
        const { code, message } = error as { code?: string; message?: string };
        throw new StatesError(
          StatesErrorName.QueryEvaluationError,
          `threw an error during evaluation. ${code ? `${code}: ` : ""}${message ?? String(error)}`,
        );
      }
    },
  };
}

/**
 * JSONata returns sequences (arrays tagged `sequence`) and may return functions; make the
 * result plain JSON, keeping `undefined` for "nothing" so callers can report it.
 */
function normalize(value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "function") {
    throw new StatesError(
      StatesErrorName.QueryEvaluationError,
      "returned an unsupported result type.",
    );
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      const normalized = normalize(item);
      if (normalized !== undefined) out.push(normalized);
    }
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const normalized = normalize(item);
      if (normalized !== undefined) out[key] = normalized;
    }
    return out;
  }
  return value as Json;
}
