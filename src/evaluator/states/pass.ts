import type { PassState } from "../../asl/definition.js";
import { compileValue } from "../expressions.js";
import { compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState } from "../machine.js";
import { ready } from "../maybe.js";

/** Pass: passes its input (or Result / Parameters) on, transformed by the output fields. */
export function compilePass(
  name: string,
  definition: PassState,
  context: CompileContext,
): CompiledState {
  const { language } = context;
  const io = compileIO(definition, language);
  const parameters =
    language === "JSONPath" && definition.Parameters !== undefined
      ? compileValue(definition.Parameters, "Parameters", language)
      : undefined;
  const result = definition.Result;
  return {
    name,
    type: "Pass",
    language,
    enter(run) {
      if (language === "JSONata") return finishState(io, run, run.frame.input, "result");
      const input = effectiveInput(io, run);
      const value =
        result !== undefined
          ? result
          : parameters
            ? ready(parameters(run, input, { input }))
            : input;
      return finishState(io, run, value, "result");
    },
    resume() {
      throw new Error("a Pass state has no effects to resume");
    },
  };
}
