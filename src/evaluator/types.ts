/**
 * The evaluator's vocabulary: where a (sub)machine is (a Frame, plain JSON so the durable
 * runtime can store it), what the runner must do next (an Effect), and what it reports back
 * (a Resumption).
 */
import type { Json, JsonObject } from "../asl/json.js";
import type { Entropy } from "../kernel/entropy.js";
import type { HistorySink } from "./history.js";
import type { CompiledMachine } from "./machine.js";

/** The position of one running machine, branch or Map iteration. Serializable. */
export interface Frame {
  /** The current state. */
  state: string;
  /** The raw input of the current state. */
  input: Json;
  /** "enter": the state has not been entered yet; "active": it was entered and awaits a resumption. */
  phase: "enter" | "active";
  /** Id of the current state's *Entered event (for causes that cite it). */
  enteredEventId: number;
  /** When the current state was entered, in epoch milliseconds. */
  enteredAt: number;
  /** Attempts used per retrier of the current state. */
  retryCounts: number[];
  /** Variables declared in this frame's scope. */
  variables: JsonObject;
  /** Variables visible from enclosing scopes (read-only here), as they were at the fork. */
  outerVariables?: JsonObject;
}

/** Facts about the execution that the context object (`$$`) exposes. */
export interface ExecutionInfo {
  id: string;
  name: string;
  input: Json;
  startTime: string;
  roleArn: string;
  redriveCount: number;
  stateMachineId: string;
  stateMachineName: string;
}

/** What every evaluator call gets from its runner. */
export interface StepContext {
  /** The current time in epoch milliseconds: the evaluator itself reads no clock. */
  now: number;
  history: HistorySink;
  entropy: Entropy;
  execution: ExecutionInfo;
  /** `$$.Task.Token` for a callback task, when the runner created one. */
  taskToken?: string;
  /** `$$.Map.Item` while a Map state builds an iteration's input (ItemSelector). */
  mapItem?: { Index: number; Value: Json };
  /** Maximum size in bytes of a state's input/output (AWS: 256 KiB). */
  payloadLimitBytes?: number;
}

/** Invoke a task resource; answer with a task-succeeded or task-failed resumption. */
export interface InvokeTaskEffect {
  kind: "invoke";
  state: string;
  resource: string;
  /** The effective parameters (JSONPath Parameters or JSONata Arguments). */
  parameters: Json;
  /** `.waitForTaskToken`/`.sync` suffix handling is the runner's; this is the resource as written. */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  credentials?: Json;
  /** The id of the *Scheduled event, so the runner can link its own task events. */
  scheduledEventId: number;
}

/** Wait, then answer with a wait-elapsed resumption. */
export interface WaitEffect {
  kind: "wait";
  state: string;
  /** When the wait ends, in epoch milliseconds. */
  untilMs: number;
}

/** Sleep before retrying the current state; answer with retry-due. */
export interface RetryEffect {
  kind: "retry";
  state: string;
  delaySeconds: number;
}

/** Run branches (Parallel) or iterations (Map), then answer with branches-succeeded/failed. */
export interface ForkEffect {
  kind: "fork";
  state: string;
  mode: "parallel" | "map";
  /** One entry per branch or item: the machine to run and its input. */
  branches: { machine: CompiledMachine; input: Json; mapItem?: { Index: number; Value: Json } }[];
  /** At most this many at once; 0 means unbounded. */
  maxConcurrency: number;
  /** Map only: failures tolerated before the Map fails. */
  toleratedFailureCount?: number;
  /** Map only: failure percentage tolerated before the Map fails. */
  toleratedFailurePercentage?: number;
  /** Map only: distributed mode (children are Map runs). */
  distributed?: boolean;
  /** Variables the branches can read (the fork's visible scope). */
  outerVariables: JsonObject;
}

/** The (sub)machine ended. */
export interface SucceededEffect {
  kind: "succeeded";
  output: Json;
}

/** The (sub)machine failed. */
export interface FailedEffect {
  kind: "failed";
  error: string | undefined;
  cause: string | undefined;
}

/** Many pure transitions ran in one call; call `step` again (keeps one call short). */
export interface ContinueEffect {
  kind: "continue";
}

export type Effect =
  | ContinueEffect
  | InvokeTaskEffect
  | WaitEffect
  | RetryEffect
  | ForkEffect
  | SucceededEffect
  | FailedEffect;

/** What the runner reports back after carrying out an effect. */
export type Resumption =
  | { kind: "task-succeeded"; output: Json }
  | { kind: "task-failed"; error: string; cause?: string }
  | { kind: "wait-elapsed" }
  | { kind: "retry-due" }
  | { kind: "branches-succeeded"; outputs: Json[] }
  | { kind: "branches-failed"; error: string | undefined; cause?: string };
