/** Request and response schemas of the native REST API (zod, also the OpenAPI document). */
import { z } from "@hono/zod-openapi";
import type {
  ExecutionRecord,
  HistoryEventRecord,
  StateMachineRecord,
} from "../../store/workflows-port.js";

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi("Error");

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ description: "Items per page (1–1000)" }),
  nextToken: z.string().max(2048).optional().openapi({ description: "From the previous page" }),
});

const Tags = z.record(z.string().max(128), z.string().max(256));

export const CreateStateMachineBody = z
  .object({
    name: z.string().min(1).max(80),
    definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).openapi({
      description: "ASL definition: JSON or YAML text, or a JSON object",
    }),
    type: z.enum(["STANDARD", "EXPRESS"]).default("STANDARD"),
    roleArn: z.string().max(256).optional(),
    description: z.string().max(256).optional(),
    definitionSubstitutions: z.record(z.string(), z.string()).optional(),
    tags: Tags.optional(),
    publish: z.boolean().optional(),
  })
  .strict()
  .openapi("CreateStateMachine");

export const UpdateStateMachineBody = z
  .object({
    definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    roleArn: z.string().max(256).optional(),
    description: z.string().max(256).optional(),
    definitionSubstitutions: z.record(z.string(), z.string()).optional(),
    publish: z.boolean().optional(),
  })
  .strict()
  .openapi("UpdateStateMachine");

export const StateMachineSchema = z
  .object({
    stateMachineArn: z.string(),
    name: z.string(),
    type: z.enum(["STANDARD", "EXPRESS"]),
    definition: z.string(),
    roleArn: z.string(),
    description: z.string().optional(),
    revisionId: z.string(),
    creationDate: z.string(),
    updateDate: z.string(),
  })
  .openapi("StateMachine");

export const StartExecutionBody = z
  .object({
    name: z.string().min(1).max(80).optional(),
    input: z.unknown().optional().openapi({ description: "Any JSON value (default {})" }),
  })
  .strict()
  .openapi("StartExecution");

export const ExecutionSchema = z
  .object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]),
    startDate: z.string(),
    stopDate: z.string().optional(),
    input: z.unknown(),
    output: z.unknown().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
    redriveCount: z.number(),
  })
  .openapi("Execution");

export const HistoryEventSchema = z
  .object({
    id: z.number(),
    previousEventId: z.number(),
    timestamp: z.string(),
    type: z.string(),
    details: z.unknown().optional(),
  })
  .openapi("HistoryEvent");

export const StopBody = z
  .object({ error: z.string().max(256).optional(), cause: z.string().max(32768).optional() })
  .strict()
  .openapi("StopExecution");

export const TaskSuccessBody = z.object({ output: z.unknown() }).strict().openapi("TaskSuccess");
export const TaskFailureBody = z
  .object({ error: z.string().max(256).optional(), cause: z.string().max(32768).optional() })
  .strict()
  .openapi("TaskFailure");

const iso = (ms: number) => new Date(ms).toISOString();

/** A state machine as the REST API shows it. */
export function stateMachineView(record: StateMachineRecord) {
  return {
    stateMachineArn: record.arn,
    name: record.name,
    type: record.type,
    definition: record.definition,
    roleArn: record.roleArn,
    ...(record.description !== undefined && { description: record.description }),
    revisionId: record.revisionId,
    creationDate: iso(record.createdAt),
    updateDate: iso(record.updatedAt),
  };
}

/** An execution as the REST API shows it (input and output as JSON values). */
export function executionView(record: ExecutionRecord) {
  return {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: iso(record.startedAt),
    ...(record.stoppedAt !== undefined && { stopDate: iso(record.stoppedAt) }),
    input: JSON.parse(record.input) as unknown,
    ...(record.output !== undefined && { output: JSON.parse(record.output) as unknown }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.cause !== undefined && { cause: record.cause }),
    redriveCount: record.redriveCount,
  };
}

/** A history event as the REST API shows it. */
export function historyView(event: HistoryEventRecord) {
  return {
    id: event.id,
    previousEventId: event.previousEventId,
    timestamp: iso(event.timestamp),
    type: event.type,
    ...(event.details !== undefined && { details: event.details }),
  };
}
