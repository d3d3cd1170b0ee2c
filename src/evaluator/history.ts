/**
 * History events as Step Functions names them. The evaluator reports them through a sink; the
 * runner decides what an event id is, when it happened and where it is kept.
 */
import type { JsonObject } from "../asl/json.js";

/** The Step Functions history event types opsflow produces. */
export type HistoryEventType =
  | "ExecutionStarted"
  | "ExecutionSucceeded"
  | "ExecutionFailed"
  | "ExecutionAborted"
  | "ExecutionTimedOut"
  | "ExecutionRedriven"
  | "EvaluationFailed"
  | `${"Pass" | "Task" | "Choice" | "Wait" | "Succeed" | "Fail" | "Parallel" | "Map"}State${"Entered" | "Exited"}`
  | "TaskStateAborted"
  | "TaskScheduled"
  | "TaskStarted"
  | "TaskSubmitted"
  | "TaskSucceeded"
  | "TaskFailed"
  | "TaskTimedOut"
  | "ActivityScheduled"
  | "ActivityStarted"
  | "ActivitySucceeded"
  | "ActivityFailed"
  | "ActivityTimedOut"
  | "LambdaFunctionScheduled"
  | "LambdaFunctionStarted"
  | "LambdaFunctionSucceeded"
  | "LambdaFunctionFailed"
  | "LambdaFunctionTimedOut"
  | "ParallelStateStarted"
  | "ParallelStateSucceeded"
  | "ParallelStateFailed"
  | "ParallelStateAborted"
  | "MapStateStarted"
  | "MapStateSucceeded"
  | "MapStateFailed"
  | "MapStateAborted"
  | "MapIterationStarted"
  | "MapIterationSucceeded"
  | "MapIterationFailed"
  | "MapIterationAborted"
  | "MapRunStarted"
  | "MapRunSucceeded"
  | "MapRunFailed";

/** Where the evaluator reports history events. */
export interface HistorySink {
  /** Records an event and returns its id (ids are increasing within one execution). */
  record(type: HistoryEventType, details?: JsonObject): number;
}
