import type { SucceedState } from "../../asl/definition.js";
import { compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState } from "../machine.js";

/** Succeed: ends its machine successfully with its (processed) input as output. */
export function compileSucceed(
  name: string,
  definition: SucceedState,
  context: CompileContext,
): CompiledState {
  const io = { ...compileIO(definition, context.language), next: undefined };
  return {
    name,
    type: "Succeed",
    language: context.language,
    enter: (run) => finishState(io, run, effectiveInput(io, run), "passthrough"),
    resume() {
      throw new Error("a Succeed state has no effects to resume");
    },
  };
}
