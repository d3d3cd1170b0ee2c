import type { FailState } from "../../asl/definition.js";
import { StatesErrorName } from "../../asl/errors.js";
import {
  type CompiledIntrinsic,
  compileIntrinsic,
  isIntrinsicCall,
} from "../../asl/intrinsics/index.js";
import type { Json } from "../../asl/json.js";
import { compileReferencePath } from "../../asl/reference-path.js";
import type { Scope } from "../../asl/scope.js";
import { compileJsonataValue } from "../expressions.js";
import type { CompileContext, CompiledState } from "../machine.js";
import type { StateRun } from "../run.js";

type TextField = (run: StateRun) => Promise<string | undefined> | string | undefined;

/** Fail: ends its machine with an error name and cause (literal, path or expression). */
export function compileFail(
  name: string,
  definition: FailState,
  context: CompileContext,
): CompiledState {
  const error = compileText(definition.Error, definition.ErrorPath, "Error", context);
  const cause = compileText(definition.Cause, definition.CausePath, "Cause", context);
  return {
    name,
    type: "Fail",
    language: context.language,
    async enter(run) {
      return { kind: "failed", error: await error(run), cause: await cause(run) };
    },
    resume() {
      throw new Error("a Fail state has no effects to resume");
    },
  };
}

function compileText(
  literal: string | undefined,
  path: string | undefined,
  field: "Error" | "Cause",
  context: CompileContext,
): TextField {
  if (literal !== undefined && context.language === "JSONata") {
    const value = compileJsonataValue(literal, field);
    return async (run) =>
      asText(await value(run, run.frame.input, { input: run.frame.input }), run, field);
  }
  if (literal !== undefined) return () => literal;
  if (path === undefined) return () => undefined;
  const reference = isIntrinsicCall(path)
    ? intrinsicReference(compileIntrinsic(path))
    : compileReferencePath(path);
  return (run) => {
    let value: Json | undefined;
    try {
      value = reference.evaluate(run.scope(run.frame.input));
    } catch (error) {
      return run.locate(error);
    }
    if (value === undefined) {
      throw run.evaluationError(
        StatesErrorName.Runtime,
        `The JSONPath '${path}' specified for the field '${field}Path' could not be found in the input '${JSON.stringify(run.frame.input)}'`,
      );
    }
    return asText(value, run, `${field}Path`);
  };
}

function asText(value: Json, run: StateRun, field: string): string {
  if (typeof value === "string") return value;
  throw run.evaluationError(
    StatesErrorName.Runtime,
    `The value of the field '${field}' must be a string, but was: ${JSON.stringify(value)}`,
  );
}

/** ErrorPath and CausePath may also be intrinsic function calls. */
function intrinsicReference(intrinsic: CompiledIntrinsic): { evaluate(scope: Scope): Json } {
  return { evaluate: intrinsic };
}
