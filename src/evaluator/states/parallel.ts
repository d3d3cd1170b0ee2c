import type { ParallelState } from "../../asl/definition.js";
import type { Json } from "../../asl/json.js";
import { compileArguments } from "../expressions.js";
import { compileErrorHandling, handleFailure } from "../failure.js";
import { compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState, StateOutcome } from "../machine.js";
import type { StateRun } from "../run.js";

/**
 * Parallel: forks one child frame per branch, all with the same input; its result is the array
 * of branch outputs in branch order. The first branch failure fails the state.
 */
export function compileParallel(
  name: string,
  definition: ParallelState,
  context: CompileContext,
): CompiledState {
  const { language } = context;
  const io = compileIO(definition, language);
  const handling = compileErrorHandling(definition.Retry, definition.Catch, language);
  const parameters = compileArguments(definition, language);
  const branches = definition.Branches.map((branch, index) =>
    context.compileChild(branch, `${context.pointer}/Branches/${index}`, language),
  );

  async function fork(run: StateRun): Promise<StateOutcome> {
    const input = effectiveInput(io, run);
    const branchInput: Json = parameters
      ? await parameters(run, input, { input: run.frame.input })
      : input;
    run.step.history.record("ParallelStateStarted");
    return {
      kind: "fork",
      state: name,
      mode: "parallel",
      branches: branches.map((machine) => ({ machine, input: branchInput })),
      maxConcurrency: 0,
      outerVariables: run.variables.all(),
    };
  }

  return {
    name,
    type: "Parallel",
    language,
    retriable: (definition.Retry?.length ?? 0) > 0,
    enter: fork,
    async resume(run, resumption) {
      switch (resumption.kind) {
        case "retry-due":
          return fork(run);
        // AWS records no ParallelStateSucceeded/Failed events, only the branches' own.
        case "branches-succeeded":
          return finishState(io, run, resumption.outputs, "result");
        case "branches-failed":
          return handleFailure(handling, run, resumption.error, resumption.cause);
        default:
          throw new Error(`a Parallel state cannot resume from ${resumption.kind}`);
      }
    },
  };
}
