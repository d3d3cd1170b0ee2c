/**
 * A StateRun is the working view of one evaluator call on one frame: it builds the scope that
 * expressions read, keeps the context object lazy, and words failures as AWS does.
 */
import { StatesError, StatesErrorName } from "../asl/errors.js";
import type { Json, JsonObject } from "../asl/json.js";
import { ENTROPY_BINDING } from "../asl/jsonata-functions.js";
import type { Scope, Variables } from "../asl/scope.js";
import type { Entropy } from "../kernel/entropy.js";
import type { CompiledState } from "./machine.js";
import type { Frame, StepContext } from "./types.js";

/** Variables visible from a frame: its own scope first, then the enclosing ones. */
export class FrameVariables implements Variables {
  constructor(private readonly frame: Frame) {}

  get(name: string): Json | undefined {
    const own = this.frame.variables;
    if (Object.hasOwn(own, name)) return own[name];
    const outer = this.frame.outerVariables;
    return outer && Object.hasOwn(outer, name) ? outer[name] : undefined;
  }

  /** Every visible variable, inner scopes shadowing outer ones (for JSONata bindings and forks). */
  all(): JsonObject {
    return this.frame.outerVariables
      ? { ...this.frame.outerVariables, ...this.frame.variables }
      : { ...this.frame.variables };
  }
}

/** The per-call view of a frame in a state. */
export class StateRun {
  private frameVariables: FrameVariables | undefined;
  private contextObject: JsonObject | undefined;

  constructor(
    readonly frame: Frame,
    readonly state: CompiledState,
    readonly step: StepContext,
  ) {}

  /** The variables visible from this frame. */
  get variables(): FrameVariables {
    this.frameVariables ??= new FrameVariables(this.frame);
    return this.frameVariables;
  }

  /** The context object `$$` (built on first use: most states never read it). */
  get context(): JsonObject {
    if (this.contextObject === undefined) this.contextObject = this.buildContext();
    return this.contextObject;
  }

  /** A scope whose `$` is `input`. */
  scope(input: Json): Scope {
    return new RunScope(input, this);
  }

  /** The `$states` binding and variables for a JSONata expression. */
  jsonataBindings(extra: {
    input: Json;
    result?: Json;
    errorOutput?: Json;
  }): Record<string, unknown> {
    const bindings: Record<string, unknown> = this.variables.all();
    bindings.states = { ...extra, context: this.context };
    bindings[ENTROPY_BINDING] = this.step.entropy;
    return bindings;
  }

  /**
   * A States.* failure raised while evaluating this state, with AWS's cause prefix naming the
   * state and the event that entered it.
   */
  evaluationError(error: string, detail: string): StatesError {
    return new StatesError(
      error,
      `An error occurred while executing the state '${this.state.name}' (entered at the event id #${this.frame.enteredEventId}). ${detail}`,
    );
  }

  /** Rewords a StatesError from the language core (which knows no state) with the state prefix. */
  locate(error: unknown): never {
    if (error instanceof StatesError && error.error !== StatesErrorName.DataLimitExceeded) {
      throw this.evaluationError(error.error, error.cause ?? "");
    }
    throw error;
  }

  private buildContext(): JsonObject {
    const { execution } = this.step;
    const context: JsonObject = {
      Execution: {
        Id: execution.id,
        Input: execution.input,
        StartTime: execution.startTime,
        Name: execution.name,
        RoleArn: execution.roleArn,
        RedriveCount: execution.redriveCount,
      },
      StateMachine: { Id: execution.stateMachineId, Name: execution.stateMachineName },
      State: { Name: this.state.name, EnteredTime: new Date(this.frame.enteredAt).toISOString() },
    };
    // AWS shows RetryCount only in states that have a Retry field.
    if (this.state.retriable) (context.State as JsonObject).RetryCount = retryCount(this.frame);
    if (this.step.taskToken !== undefined) context.Task = { Token: this.step.taskToken };
    if (this.step.mapItem !== undefined) context.Map = { Item: this.step.mapItem };
    return context;
  }
}

function retryCount(frame: Frame): number {
  let total = 0;
  for (const count of frame.retryCounts) total += count;
  return total;
}

/** The scope of one expression evaluation; a class so that creating one is cheap. */
class RunScope implements Scope {
  constructor(
    readonly input: Json,
    private readonly run: StateRun,
  ) {}

  get context(): Json {
    return this.run.context;
  }

  get variables(): Variables {
    return this.run.variables;
  }

  get entropy(): Entropy {
    return this.run.step.entropy;
  }
}
