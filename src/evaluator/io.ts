/**
 * Input and output processing shared by the state types, in both query languages:
 * JSONPath's InputPath → (work) → ResultSelector → ResultPath → OutputPath, and JSONata's
 * Output; plus Assign, the payload size limit and the *StateExited event.
 */

import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  type CompiledResultPath,
  compileResultPath,
  type PathField,
} from "../asl/data-flow.js";
import type { QueryLanguage, StateDefinition } from "../asl/definition.js";
import { StatesError, StatesErrorName } from "../asl/errors.js";
import type { Json, JsonObject } from "../asl/json.js";
import { compileReferencePath } from "../asl/reference-path.js";
import { type CompiledValue, compileValue } from "./expressions.js";
import type { StateOutcome } from "./machine.js";
import { type MaybePromise, ready } from "./maybe.js";
import type { StateRun } from "./run.js";

/** The compiled input/output fields of one state. */
export interface StateIO {
  readonly language: QueryLanguage;
  readonly inputPath: PathField;
  readonly outputPath: PathField;
  readonly resultPath: CompiledResultPath | null | undefined;
  readonly resultSelector: CompiledValue | undefined;
  readonly assign: CompiledValue | undefined;
  readonly output: CompiledValue | undefined;
  /** The transition after this state, or undefined when it ends its machine. */
  readonly next: string | undefined;
}

/** Compiles the input/output fields a state definition has. */
export function compileIO(definition: StateDefinition, language: QueryLanguage): StateIO {
  const fields = definition as StateDefinition & {
    ResultPath?: string | null;
    ResultSelector?: Json;
  };
  return {
    language,
    inputPath: compileOptionalReference(fields.InputPath),
    outputPath: compileOptionalReference(fields.OutputPath),
    resultPath: compileOptionalResultPath(fields.ResultPath),
    resultSelector:
      fields.ResultSelector !== undefined
        ? compileValue(fields.ResultSelector, "ResultSelector", language)
        : undefined,
    assign:
      fields.Assign !== undefined ? compileValue(fields.Assign, "Assign", language) : undefined,
    output:
      language === "JSONata" && fields.Output !== undefined
        ? compileValue(fields.Output, "Output", language)
        : undefined,
    next: fields.End ? undefined : fields.Next,
  };
}

/** The effective input: InputPath applied in JSONPath mode; the raw input in JSONata mode. */
export function effectiveInput(io: StateIO, run: StateRun): Json {
  if (io.language === "JSONata" || io.inputPath === undefined) return run.frame.input;
  try {
    return applyInputPath(io.inputPath, run.scope(run.frame.input));
  } catch (error) {
    return run.locate(error);
  }
}

/**
 * Finishes a state that produced `result`: applies the output fields and Assign, checks the
 * size limit, records the exit event and says where to go.
 *
 * `kind` controls JSONPath processing: "result" applies ResultSelector/ResultPath to the result
 * (Pass, Task, Parallel, Map); "passthrough" means the state has no result and its output is
 * the effective input (Choice, Wait, Succeed). JSONPath states finish synchronously.
 */
export function finishState(
  io: StateIO,
  run: StateRun,
  result: Json,
  kind: "result" | "passthrough",
  next: string | undefined = io.next,
): MaybePromise<StateOutcome> {
  if (io.language === "JSONata") return finishJsonata(io, run, result, kind, next);
  const raw = run.frame.input;
  let selected = result;
  if (kind === "result" && io.resultSelector) {
    selected = ready(io.resultSelector(run, result, { input: raw, result }));
  }
  const assigned = io.assign
    ? (ready(io.assign(run, selected, { input: raw })) as JsonObject)
    : undefined;
  let output: Json;
  try {
    const combined = kind === "result" ? applyResultPath(raw, selected, io.resultPath) : selected;
    output =
      io.outputPath === undefined ? combined : applyOutputPath(io.outputPath, run.scope(combined));
  } catch (error) {
    return run.locate(error);
  }
  return exitState(run, output, assigned, next);
}

async function finishJsonata(
  io: StateIO,
  run: StateRun,
  result: Json,
  kind: "result" | "passthrough",
  next: string | undefined,
): Promise<StateOutcome> {
  const raw = run.frame.input;
  const states = kind === "result" ? { input: raw, result } : { input: raw };
  const output = io.output ? await io.output(run, raw, states) : result;
  const assigned = io.assign ? ((await io.assign(run, raw, states)) as JsonObject) : undefined;
  return exitState(run, output, assigned, next);
}

/** Applies assignments, checks the payload limit, records *StateExited and transitions. */
export function exitState(
  run: StateRun,
  output: Json,
  assigned: JsonObject | undefined,
  next: string | undefined,
): StateOutcome {
  checkPayloadSize(run, output);
  if (assigned) Object.assign(run.frame.variables, assigned);
  const details: JsonObject = { name: run.state.name, output };
  if (assigned) details.assignedVariables = assigned;
  run.step.history.record(`${run.state.type}StateExited`, details);
  return next === undefined ? { kind: "end", output } : { kind: "transition", next, output };
}

/** Fails with States.DataLimitExceeded when `value` serialises to more than the limit. */
export function checkPayloadSize(run: StateRun, value: Json): void {
  const limit = run.step.payloadLimitBytes;
  if (limit === undefined || !exceeds(value, limit)) return;
  throw new StatesError(
    StatesErrorName.DataLimitExceeded,
    `The state/task '${run.state.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}

/** Cheap upper-bound check first: only large-looking values are serialised. */
function exceeds(value: Json, limit: number): boolean {
  if (typeof value !== "object" || value === null) {
    return typeof value === "string" && value.length * 3 > limit
      ? Buffer.byteLength(JSON.stringify(value)) > limit
      : false;
  }
  return Buffer.byteLength(JSON.stringify(value)) > limit;
}

/** Compiles an InputPath/OutputPath-like field; null and absent keep their own meaning. */
export function compileOptionalReference(path: string | null | undefined): PathField {
  return typeof path === "string" ? compileReferencePath(path) : path;
}

/** Compiles a ResultPath-like field; null and absent keep their own meaning. */
export function compileOptionalResultPath(
  path: string | null | undefined,
): CompiledResultPath | null | undefined {
  return typeof path === "string" ? compileResultPath(path) : path;
}
