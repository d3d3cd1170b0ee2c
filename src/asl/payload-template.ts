/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, Assign in JSONPath mode): a
 * JSON value whose keys ending in `.$` take a path (`$...`), a context path (`$$...`), a
 * variable reference (`$name...`) or an intrinsic call (`States.Format(...)`); the key loses
 * its `.$` in the output.
 *
 * Compiled once at load time into a closure tree. Subtrees without `.$` keys are returned
 * as-is on every evaluation — shared, so nobody may mutate a template's output.
 */

import { stringify } from "./data-flow.js";
import { StatesError, StatesErrorName } from "./errors.js";
import { compileIntrinsic, isIntrinsicCall } from "./intrinsics/index.js";
import type { Json, JsonObject } from "./json.js";
import { PathSyntaxError } from "./jsonpath/index.js";
import { defineMember } from "./jsonpath/steps.js";
import { compileReferencePath } from "./reference-path.js";
import type { Scope } from "./scope.js";

/** A compiled template: evaluates to the payload for one scope. */
export type CompiledTemplate = (scope: Scope) => Json;

/** A template node: either a constant or a function of the scope. */
type Node =
  | { readonly constant: true; readonly value: Json }
  | { readonly constant: false; readonly fn: CompiledTemplate };

/**
 * Compiles `template`, found in the field `field` (e.g. "Parameters"; used in messages).
 * Throws PathSyntaxError when a `.$` value is not a string, a valid path or an intrinsic call.
 * Evaluation throws StatesError: States.Runtime when a definite path selects nothing, e.g.
 * `The JSONPath '$.x' specified for the field 'value.$' could not be found in the input '{}'`.
 */
export function compilePayloadTemplate(template: Json, field: string): CompiledTemplate {
  const node = compileNode(template, field, 0);
  if (node.constant) {
    const value = node.value;
    return () => value;
  }
  return node.fn;
}

/** Templates nested deeper than this are refused rather than risking the stack. */
const MAX_DEPTH = 512;

function compileNode(value: Json, field: string, depth: number): Node {
  if (depth > MAX_DEPTH) {
    throw new PathSyntaxError(field, `the template of '${field}' is nested too deeply`);
  }
  if (Array.isArray(value)) return compileArray(value, field, depth);
  if (typeof value === "object" && value !== null) return compileObject(value, field, depth);
  return { constant: true, value };
}

function compileArray(items: Json[], field: string, depth: number): Node {
  const nodes = items.map((item) => compileNode(item, field, depth + 1));
  if (nodes.every((n) => n.constant)) return { constant: true, value: items };
  const fns = nodes.map(toFn);
  return {
    constant: false,
    fn(scope) {
      const out = new Array<Json>(fns.length);
      for (let i = 0; i < fns.length; i++) out[i] = (fns[i] as CompiledTemplate)(scope);
      return out;
    },
  };
}

function compileObject(object: JsonObject, field: string, depth: number): Node {
  const keys: string[] = [];
  const nodes: Node[] = [];
  let constant = true;
  for (const key of Object.keys(object)) {
    const value = object[key] as Json;
    if (key.length > 2 && key.endsWith(".$")) {
      keys.push(key.slice(0, -2));
      nodes.push({ constant: false, fn: compileExpression(key, value) });
      constant = false;
    } else {
      const node = compileNode(value, field, depth + 1);
      keys.push(key);
      nodes.push(node);
      if (!node.constant) constant = false;
    }
  }
  if (constant) return { constant: true, value: object };
  const fns = nodes.map(toFn);
  const n = keys.length;
  return {
    constant: false,
    fn(scope) {
      const out: JsonObject = {};
      for (let i = 0; i < n; i++)
        defineMember(out, keys[i] as string, (fns[i] as CompiledTemplate)(scope));
      return out;
    },
  };
}

function toFn(node: Node): CompiledTemplate {
  if (!node.constant) return node.fn;
  const value = node.value;
  return () => value;
}

/** The value of a `key.$` entry: a path, context path, variable reference or intrinsic call. */
function compileExpression(key: string, value: Json): CompiledTemplate {
  const invalid = (reason: string): never => {
    throw new PathSyntaxError(
      typeof value === "string" ? value : key,
      `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call (${reason})`,
    );
  };
  if (typeof value !== "string") return invalid("it is not a string");
  if (value.startsWith("$")) {
    let reference: ReturnType<typeof compileReferencePath>;
    try {
      reference = compileReferencePath(value);
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error));
    }
    return (scope) => {
      const selected = reference.evaluate(scope);
      if (selected !== undefined) return selected;
      throw new StatesError(
        StatesErrorName.Runtime,
        `The JSONPath '${value}' specified for the field '${key}' could not be found in the input '${stringify(scope.input)}'`,
      );
    };
  }
  if (isIntrinsicCall(value)) {
    try {
      return compileIntrinsic(value);
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error));
    }
  }
  return invalid("it is neither a path nor an intrinsic call");
}
