/**
 * The pure ASL evaluator: compile a validated definition once, then `step` frames through it.
 */

export { recordAbandoned } from "./abandon.js";
export { errorMatches } from "./failure.js";
export type { HistoryEventType, HistorySink } from "./history.js";
export {
  type BranchResult,
  branchAborted,
  branchEnded,
  branchStarted,
  concurrencyLimit,
  type JoinState,
  type JoinStep,
  joinResumption,
  openJoin,
} from "./join.js";
export { type CompiledMachine, type CompiledState, compileMachine } from "./machine.js";
export { type TaskEventPrefix, taskEventPrefix } from "./states/task.js";
export { startFrame, step } from "./step.js";
export type * from "./types.js";
