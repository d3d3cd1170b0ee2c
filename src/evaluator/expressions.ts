/**
 * Field values in either query language, compiled once: a JSONPath payload template (`.$`
 * keys) or a JSONata template (`{% %}` strings anywhere in a value).
 */
import type { QueryLanguage } from "../asl/definition.js";
import { StatesError, StatesErrorName } from "../asl/errors.js";
import { isJsonObject, type Json, type JsonObject } from "../asl/json.js";
import { compileJsonata, isJsonataTemplate } from "../asl/jsonata.js";
import { compilePayloadTemplate } from "../asl/payload-template.js";
import type { StateRun } from "./run.js";

/** What `$states` holds while a JSONata field is evaluated. */
export interface StatesBinding {
  input: Json;
  result?: Json;
  errorOutput?: Json;
}

/**
 * A compiled field value. `dollar` is what `$` means to a JSONPath template (the effective
 * input, or the result for ResultSelector and Assign); `states` is JSONata's `$states`.
 */
export type CompiledValue = (
  run: StateRun,
  dollar: Json,
  states: StatesBinding,
) => Json | Promise<Json>;

/** Compiles a template field (Parameters, Arguments, Output, Assign, ResultSelector, ...). */
export function compileValue(value: Json, field: string, language: QueryLanguage): CompiledValue {
  if (language === "JSONata") return compileJsonataValue(value, field);
  const template = compilePayloadTemplate(value, field);
  return (run, dollar) => {
    try {
      return template(run.scope(dollar));
    } catch (error) {
      return run.locate(error);
    }
  };
}

/** Compiles a JSONata template: `{% %}` strings are expressions, everything else is literal. */
export function compileJsonataValue(value: Json, field: string): CompiledValue {
  if (isJsonataTemplate(value)) {
    const expression = compileJsonata(value);
    return async (run, _dollar, states) => {
      let result: Json | undefined;
      try {
        result = await expression.evaluate(run.jsonataBindings(states));
      } catch (error) {
        if (error instanceof StatesError) {
          throw run.evaluationError(
            error.error,
            `The JSONata expression '${expression.text}' specified for the field '${field}' ${error.cause}`,
          );
        }
        throw error;
      }
      if (result === undefined) {
        throw run.evaluationError(
          StatesErrorName.QueryEvaluationError,
          `The JSONata expression '${expression.text}' specified for the field '${field}' returned nothing (undefined).`,
        );
      }
      return result;
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileJsonataValue(item, `${field}[${index}]`));
    if (!value.some(containsJsonata)) return () => value;
    return async (run, dollar, states) => {
      const out: Json[] = [];
      for (const item of items) out.push(await item(run, dollar, states));
      return out;
    };
  }
  if (isJsonObject(value)) {
    if (!containsJsonata(value)) return () => value;
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileJsonataValue(item, field ? `${field}/${key}` : key)] as const,
    );
    return async (run, dollar, states) => {
      const out: JsonObject = {};
      for (const [key, item] of entries) out[key] = await item(run, dollar, states);
      return out;
    };
  }
  return () => value;
}

function containsJsonata(value: Json): boolean {
  if (isJsonataTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(containsJsonata);
  if (isJsonObject(value)) return Object.values(value).some(containsJsonata);
  return false;
}

/**
 * The effective parameters of a Task or Parallel state: `Parameters` in JSONPath mode,
 * `Arguments` in JSONata mode; undefined when the state has none.
 */
export function compileArguments(
  definition: { Parameters?: Json; Arguments?: Json },
  language: QueryLanguage,
): CompiledValue | undefined {
  const field = language === "JSONata" ? "Arguments" : "Parameters";
  const template = definition[field];
  return template === undefined ? undefined : compileValue(template, field, language);
}
