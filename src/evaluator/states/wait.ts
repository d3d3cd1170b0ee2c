import type { WaitState } from "../../asl/definition.js";
import { StatesErrorName } from "../../asl/errors.js";
import type { Json } from "../../asl/json.js";
import { compileReferencePath } from "../../asl/reference-path.js";
import { timestampMillis } from "../../asl/timestamp.js";
import { compileJsonataValue } from "../expressions.js";
import { compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState } from "../machine.js";
import type { StateRun } from "../run.js";

type Deadline = (run: StateRun, input: Json) => Promise<number> | number;

/**
 * Wait: asks the runner for a durable timer until a time computed from Seconds, SecondsPath,
 * Timestamp or TimestampPath. A wait that is already due finishes at once.
 */
export function compileWait(
  name: string,
  definition: WaitState,
  context: CompileContext,
): CompiledState {
  const io = compileIO(definition, context.language);
  const deadline = compileDeadline(definition, context);
  const finish = (run: StateRun) => finishState(io, run, effectiveInput(io, run), "passthrough");
  return {
    name,
    type: "Wait",
    language: context.language,
    async enter(run) {
      const untilMs = await deadline(run, effectiveInput(io, run));
      if (untilMs <= run.step.now) return finish(run);
      return { kind: "wait", state: name, untilMs };
    },
    resume: (run) => finish(run),
  };
}

function compileDeadline(definition: WaitState, context: CompileContext): Deadline {
  const entered = (run: StateRun) => run.frame.enteredAt;
  if (context.language === "JSONata") {
    if (definition.Seconds !== undefined) {
      const seconds = compileJsonataValue(definition.Seconds, "Seconds");
      return async (run, input) => {
        const value = await seconds(run, input, { input: run.frame.input });
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
          throw run.evaluationError(
            StatesErrorName.QueryEvaluationError,
            `The JSONata expression specified for the field 'Seconds' must evaluate to a non-negative integer, but was: ${JSON.stringify(value)}`,
          );
        }
        return entered(run) + value * 1000;
      };
    }
    const timestamp = compileJsonataValue(definition.Timestamp as string, "Timestamp");
    return async (run, input) => {
      const value = await timestamp(run, input, { input: run.frame.input });
      const ms = typeof value === "string" ? timestampMillis(value) : undefined;
      if (ms === undefined) {
        throw run.evaluationError(
          StatesErrorName.QueryEvaluationError,
          `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof value === "string" ? value : JSON.stringify(value)}`,
        );
      }
      return ms;
    };
  }
  if (typeof definition.Seconds === "number") {
    const seconds = definition.Seconds;
    return (run) => entered(run) + seconds * 1000;
  }
  if (definition.Timestamp !== undefined) {
    const text = definition.Timestamp;
    const ms = timestampMillis(text);
    return (run) => {
      if (ms === undefined) {
        throw run.evaluationError(
          StatesErrorName.Runtime,
          `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${text}`,
        );
      }
      return ms;
    };
  }
  if (definition.SecondsPath !== undefined) {
    const path = definition.SecondsPath;
    const reference = compileReferencePath(path);
    return (run, input) => {
      const value = readPath(reference, run, input, path, "SecondsPath");
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw run.evaluationError(
          StatesErrorName.Runtime,
          `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${JSON.stringify(value)}`,
        );
      }
      if (value < 0) {
        throw run.evaluationError(
          StatesErrorName.Runtime,
          `The SecondsPath parameter references a negative value: ${path} == ${value}`,
        );
      }
      return entered(run) + value * 1000;
    };
  }
  const path = definition.TimestampPath as string;
  const reference = compileReferencePath(path);
  return (run, input) => {
    const value = readPath(reference, run, input, path, "TimestampPath");
    const ms = typeof value === "string" ? timestampMillis(value) : undefined;
    if (ms === undefined) {
      throw run.evaluationError(
        StatesErrorName.Runtime,
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${typeof value === "string" ? value : JSON.stringify(value)}`,
      );
    }
    return ms;
  };
}

function readPath(
  reference: ReturnType<typeof compileReferencePath>,
  run: StateRun,
  input: Json,
  path: string,
  field: string,
): Json {
  let value: Json | undefined;
  try {
    value = reference.evaluate(run.scope(input));
  } catch (error) {
    return run.locate(error);
  }
  if (value === undefined) {
    throw run.evaluationError(
      StatesErrorName.Runtime,
      `The ${field} parameter does not reference a valid value: ${path}`,
    );
  }
  return value;
}
