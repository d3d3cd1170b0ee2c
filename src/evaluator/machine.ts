/**
 * A state machine (or a Parallel branch / Map item processor) compiled once: every state's
 * paths, templates, rules and expressions are prepared before the first execution runs.
 */
import type {
  MachineDefinition,
  QueryLanguage,
  StateDefinition,
  StateType,
} from "../asl/definition.js";
import type { Json } from "../asl/json.js";
import type { HistoryEventType } from "./history.js";
import type { MaybePromise } from "./maybe.js";
import type { StateRun } from "./run.js";
import { stateCompilers } from "./states/registry.js";
import type { Effect, Resumption } from "./types.js";

/** What a state's evaluation leads to. */
export type StateOutcome =
  | { kind: "transition"; next: string; output: Json }
  | { kind: "end"; output: Json }
  | Effect;

/** One compiled state. */
export interface CompiledState {
  readonly name: string;
  readonly type: StateType;
  readonly language: QueryLanguage;
  /** True when the state has retriers (the context object then shows `State.RetryCount`). */
  readonly retriable?: boolean;
  /** Recorded after EvaluationFailed when an expression of this state fails (Map: MapStateFailed). */
  readonly evaluationFailedEvent?: HistoryEventType;
  /** Enters the state with `run.frame.input` as its raw input. */
  enter(run: StateRun): MaybePromise<StateOutcome>;
  /** Continues the state after the runner carried out one of its effects. */
  resume(run: StateRun, resumption: Resumption): MaybePromise<StateOutcome>;
}

/** A compiled machine or sub-machine. */
export interface CompiledMachine {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CompiledState>;
  readonly language: QueryLanguage;
  /** Top-level TimeoutSeconds, when set. */
  readonly timeoutSeconds: number | undefined;
  /** JSON Pointer of this machine inside the root definition ("" for the root). */
  readonly pointer: string;
  /** Sub-machines by pointer (root only), so stored frames can name the machine they run in. */
  readonly byPointer: ReadonlyMap<string, CompiledMachine>;
}

/** What state compilers need besides their own definition. */
export interface CompileContext {
  readonly language: QueryLanguage;
  readonly pointer: string;
  /** Compiles a nested machine (Parallel branch, Map processor) under `pointer`. */
  compileChild(
    definition: MachineDefinition,
    pointer: string,
    language: QueryLanguage,
  ): CompiledMachine;
}

/** Compiles a definition that has already passed validation. */
export function compileMachine(definition: MachineDefinition): CompiledMachine {
  const registry = new Map<string, CompiledMachine>();
  const root = compileAt(definition, "", definition.QueryLanguage ?? "JSONPath", registry);
  return root;
}

function compileAt(
  definition: MachineDefinition,
  pointer: string,
  inherited: QueryLanguage,
  registry: Map<string, CompiledMachine>,
): CompiledMachine {
  const language = definition.QueryLanguage ?? inherited;
  const states = new Map<string, CompiledState>();
  const machine: CompiledMachine = {
    startAt: definition.StartAt,
    states,
    language,
    timeoutSeconds: definition.TimeoutSeconds,
    pointer,
    byPointer: registry,
  };
  registry.set(pointer, machine);
  for (const [name, state] of Object.entries(definition.States)) {
    const statePointer = `${pointer}/States/${escapePointer(name)}`;
    const stateLanguage = state.QueryLanguage ?? language;
    const context: CompileContext = {
      language: stateLanguage,
      pointer: statePointer,
      compileChild: (child, childPointer, childLanguage) =>
        compileAt(child, childPointer, childLanguage, registry),
    };
    states.set(name, compileState(name, state, context));
  }
  return machine;
}

function compileState(
  name: string,
  definition: StateDefinition,
  context: CompileContext,
): CompiledState {
  const compile = stateCompilers[definition.Type] as (
    name: string,
    definition: StateDefinition,
    context: CompileContext,
  ) => CompiledState;
  return compile(name, definition, context);
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
