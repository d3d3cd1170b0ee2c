/**
 * Types of an Amazon States Language definition, as written by users. Field names are the
 * spec's. Values are only as trustworthy as validation made them: the validator checks a raw
 * parsed document against these shapes before anything else reads it.
 */
import type { Json, JsonObject } from "./json.js";

export type QueryLanguage = "JSONPath" | "JSONata";

export type StateType =
  | "Pass"
  | "Task"
  | "Choice"
  | "Wait"
  | "Succeed"
  | "Fail"
  | "Parallel"
  | "Map";

/** A whole state machine, or the body of a Parallel branch or Map item processor. */
export interface MachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDefinition>;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: QueryLanguage;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: JsonObject;
  Comment?: string;
}

interface CommonFields {
  Type: StateType;
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  Assign?: JsonObject;
  Output?: Json;
}

export interface PassState extends CommonFields {
  Type: "Pass";
  Result?: Json;
  ResultPath?: string | null;
  Parameters?: Json;
}

export interface TaskState extends CommonFields {
  Type: "Task";
  Resource: string;
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: Json;
}

export interface ChoiceRule {
  Variable?: string;
  Next?: string;
  Condition?: boolean | string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Assign?: JsonObject;
  Output?: Json;
  Comment?: string;
  [operator: string]: Json | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState extends CommonFields {
  Type: "Choice";
  Choices: ChoiceRule[];
  Default?: string;
}

export interface WaitState extends CommonFields {
  Type: "Wait";
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}

export interface SucceedState extends CommonFields {
  Type: "Succeed";
}

export interface FailState extends CommonFields {
  Type: "Fail";
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface ParallelState extends CommonFields {
  Type: "Parallel";
  Branches: MachineDefinition[];
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface ItemProcessor extends MachineDefinition {
  ProcessorConfig?: { Mode?: "INLINE" | "DISTRIBUTED"; ExecutionType?: "STANDARD" | "EXPRESS" };
}

export interface MapState extends CommonFields {
  Type: "Map";
  Iterator?: MachineDefinition;
  ItemProcessor?: ItemProcessor;
  ItemsPath?: string;
  Items?: Json;
  ItemSelector?: Json;
  Parameters?: Json;
  ItemBatcher?: {
    MaxItemsPerBatch?: number | string;
    MaxItemsPerBatchPath?: string;
    MaxInputBytesPerBatch?: number | string;
    MaxInputBytesPerBatchPath?: string;
    BatchInput?: Json;
  };
  ItemReader?: Json;
  ResultWriter?: Json;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  Label?: string;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export type StateDefinition =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
