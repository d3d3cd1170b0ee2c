/** What compiling a runbook produces. */
import type { MachineDefinition, StateDefinition } from "../../../../asl/definition.js";
import type { AutomationAction, AutomationStep } from "../../types.js";

/** One step of the runbook and the states that run it. */
export interface CompiledStep {
  name: string;
  action: AutomationAction;
  /** The state the step starts in (always the step's name). */
  stateName: string;
  /**
   * Every state of the step, entry first. Empty when no path reaches the step (ASL refuses
   * unreachable states, so they are left out; the step stays Pending).
   */
  states: string[];
  /** The aws:loop whose body holds the step. */
  loop?: string;
  /** After `isCritical` defaults: a failure of this step makes the automation Failed. */
  isCritical: boolean;
}

/** A runbook compiled to an ASL state machine. */
export interface CompiledRunbook {
  definition: MachineDefinition;
  /** Every step, in document order (loop bodies after their loop). */
  steps: CompiledStep[];
}

/** Where a list of steps sends its flow: mainSteps end the automation, a body loops back. */
export interface StepScope {
  /** The steps of this list, in order. */
  steps: readonly AutomationStep[];
  /** JSON Pointers of the steps, by index. */
  pointers: readonly string[];
  /** The state the flow goes to after the list's last step (or an `isEnd` step). */
  end: string;
  /** The loop whose body this is. */
  loop?: AutomationStep;
}

/** Collects the states of the machine being built. */
export interface StateSink {
  /** Adds a state of the step being compiled. */
  add(name: string, state: StateDefinition): void;
}

/** What compiling one step is given. */
export interface StepCompilation {
  scope: StepScope;
  /** The step's index in `scope.steps`. */
  index: number;
  sink: StateSink;
  /** The names of the states added for the step, entry first (the compiler appends). */
  states: string[];
  /** Compiles a loop's body, whose endings go to `end`. */
  body(loop: AutomationStep, at: string, end: string): void;
}

/** Compiles one step into states (the step's name is its entry state). */
export type StepCompiler = (compilation: StepCompilation) => void;
