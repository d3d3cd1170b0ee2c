/**
 * Run Command on the native REST API: send (SendCommand's fields, camelCase), list, show
 * (with a summary of its invocations), each node's invocation (statuses and the first 24,000
 * characters of output, as GetCommandInvocation), the full output as raw bytes paged by
 * offset, and cancel.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { OUTPUT_CONTENT_CHARS } from "../../fleet/commands.js";
import { FleetError } from "../../fleet/errors.js";
import type { Fleet } from "../../fleet/index.js";
import type {
  CommandRecord,
  CommandStatus,
  InvocationRecord,
  InvocationStatus,
} from "../../store/fleet-port.js";
import type { RouteSet } from "../app.js";
import { nodeAccess } from "../authz/node-access.js";
import type { ApiContext, App } from "../context.js";
import { fleetAnswer, isoMember, pageQuery, pageRequest, repeated } from "./fleet-common.js";
import { created, errors, json, ok, page } from "./route-parts.js";

/** Invocations a command's answer lists; the rest are paged through its invocations route. */
const SUMMARY_INVOCATIONS = 1000;
/** Output bytes one read answers by default, and at most. */
const OUTPUT_PAGE_BYTES = 1024 * 1024;
const MAX_OUTPUT_PAGE_BYTES = 8 * 1024 * 1024;

const COMMAND_STATUSES = [
  "Pending",
  "InProgress",
  "Success",
  "Cancelled",
  "Failed",
  "TimedOut",
  "Cancelling",
] as const;
const INVOCATION_STATUSES = [...COMMAND_STATUSES, "Delayed"] as const;

const CommandId = z.object({
  id: z.string().min(1).max(64).openapi({ description: "The command id" }),
});
const InvocationParams = CommandId.extend({ nodeId: z.string().min(1).max(64) });
const SendBody = z
  .object({
    documentName: z.string().min(1).max(128),
    documentVersion: z.string().max(16).optional(),
    instanceIds: z.array(z.string().min(1).max(64)).max(50).optional(),
    targets: z
      .array(
        z
          .object({
            Key: z.string().min(1).max(163),
            Values: z.array(z.string().max(256)).min(1).max(50),
          })
          .strict(),
      )
      .max(5)
      .optional()
      .openapi({ description: "tag:KEY, tag-key or InstanceIds, as Run Command takes them" }),
    parameters: z.record(z.string(), z.array(z.string())).optional(),
    timeoutSeconds: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Delivery timeout, 30 to 2592000 (3600)" }),
    comment: z.string().max(100).optional(),
    maxConcurrency: z
      .string()
      .regex(/^\d+%?$/)
      .optional()
      .openapi({ description: "Nodes or percent (50)" }),
    maxErrors: z
      .string()
      .regex(/^\d+%?$/)
      .optional()
      .openapi({ description: "Nodes or percent (0)" }),
    notification: z
      .object({
        topicArn: z.string().min(1).max(256),
        events: z
          .array(z.enum(["All", "InProgress", "Success", "TimedOut", "Cancelled", "Failed"]))
          .min(1),
        type: z.enum(["Command", "Invocation"]),
      })
      .strict()
      .optional(),
    serviceRoleArn: z.string().max(256).optional(),
  })
  .strict()
  .openapi("SendCommand");

/** A command as the REST API shows it. */
export function commandBody(command: CommandRecord) {
  const { progress } = command;
  return {
    commandId: command.id,
    documentName: command.documentName,
    documentVersion: command.documentVersion,
    comment: command.comment,
    parameters: command.parameters,
    instanceIds: command.instanceIds,
    targets: command.targets,
    requestedAt: new Date(command.requestedAt).toISOString(),
    expiresAfter: new Date(command.expiresAfter).toISOString(),
    timeoutSeconds: command.timeoutSeconds,
    maxConcurrency: command.maxConcurrency,
    maxErrors: command.maxErrors,
    status: command.status,
    statusDetails: command.statusDetails,
    targetCount: progress.targetCount,
    completedCount: progress.completedCount,
    successCount: progress.successCount,
    errorCount: progress.errorCount,
    deliveryTimedOutCount: progress.deliveryTimedOutCount,
    requestedBy: command.requestedBy,
    ...(command.notification && { notification: command.notification }),
    ...(command.serviceRoleArn && { serviceRoleArn: command.serviceRoleArn }),
  };
}

/** One node's invocation as the REST API shows it. */
export function invocationBody(invocation: InvocationRecord) {
  return {
    commandId: invocation.commandId,
    instanceId: invocation.instanceId,
    instanceName: invocation.instanceName,
    status: invocation.status,
    statusDetails: invocation.statusDetails,
    responseCode: invocation.responseCode,
    requestedAt: new Date(invocation.requestedAt).toISOString(),
    ...isoMember("deliveredAt", invocation.deliveredAt),
    ...isoMember("startedAt", invocation.startedAt),
    ...isoMember("endedAt", invocation.endedAt),
    deliveryAttempts: invocation.deliveryAttempts,
    cancelRequested: invocation.cancelRequested,
    stdoutBytes: invocation.stdoutBytes,
    stderrBytes: invocation.stderrBytes,
    outputTruncated: invocation.outputTruncated,
  };
}

/** The command routes over the fleet. */
export function fleetCommandRoutes(fleet: Fleet): RouteSet {
  /** The first SUMMARY_INVOCATIONS invocations of a command, and the token of the rest. */
  async function summary(commandId: string) {
    const invocations: InvocationRecord[] = [];
    let nextToken: string | undefined;
    do {
      const found = await fleet.commands.listInvocations(
        { commandId },
        { limit: SUMMARY_INVOCATIONS - invocations.length, ...(nextToken && { nextToken }) },
      );
      invocations.push(...found.items);
      nextToken = found.nextToken;
    } while (nextToken && invocations.length < SUMMARY_INVOCATIONS);
    return {
      invocations: invocations.map(invocationBody),
      ...(nextToken && { invocationsNextToken: nextToken }),
    };
  }

  return (app: App, api: ApiContext) => {
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/commands",
        summary: "Send a command (stored before this answers) to nodes by id or by tag",
        request: { body: { required: true, ...json(SendBody) } },
        responses: created("The command"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const principal = c.get("principal");
          const command = await fleet.commands.send(
            { ...c.req.valid("json"), authorizeNodes: nodeAccess(api, principal) },
            principal.user,
          );
          return c.json(commandBody(command), 201);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/commands",
        summary: "List commands, newest first",
        request: {
          query: z.object({
            instanceId: z.string().max(64).optional(),
            documentName: z.string().max(128).optional(),
            status: repeated.openapi({ description: "A command Status; repeat for more" }),
            invokedAfter: z.string().datetime({ offset: true }).optional(),
            invokedBefore: z.string().datetime({ offset: true }).optional(),
            ...pageQuery(50),
          }),
        },
        responses: ok("Commands"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { instanceId, documentName, status, invokedAfter, invokedBefore, ...paging } =
            c.req.valid("query");
          const found = await fleet.commands.list(
            {
              ...(instanceId && { instanceId }),
              ...(documentName && { documentName }),
              ...(status.length > 0 && {
                statuses: statusesOf(status, COMMAND_STATUSES) as CommandStatus[],
              }),
              ...(invokedAfter && { invokedAfter: Date.parse(invokedAfter) }),
              ...(invokedBefore && { invokedBefore: Date.parse(invokedBefore) }),
            },
            pageRequest(paging),
          );
          return c.json(page(found.items.map(commandBody), found.nextToken), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/commands/{id}",
        summary:
          "Show a command with its invocations (the first 1000; invocationsNextToken pages on)",
        request: { params: CommandId },
        responses: ok("The command"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id } = c.req.valid("param");
          const command = await fleet.commands.get(id);
          return c.json({ ...commandBody(command), ...(await summary(id)) }, 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/commands/{id}/invocations",
        summary: "A command's invocations, in target order",
        request: {
          params: CommandId,
          query: z.object({
            status: repeated.openapi({ description: "An invocation Status; repeat for more" }),
            ...pageQuery(1000),
          }),
        },
        responses: ok("Invocations"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id } = c.req.valid("param");
          const { status, ...paging } = c.req.valid("query");
          await fleet.commands.get(id);
          const found = await fleet.commands.listInvocations(
            {
              commandId: id,
              ...(status.length > 0 && {
                statuses: statusesOf(status, INVOCATION_STATUSES) as InvocationStatus[],
              }),
            },
            pageRequest(paging, 100),
          );
          return c.json(page(found.items.map(invocationBody), found.nextToken), 200);
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/commands/{id}/invocations/{nodeId}",
        summary: `One node's invocation, with the first ${OUTPUT_CONTENT_CHARS} characters of each output stream`,
        request: { params: InvocationParams },
        responses: ok("The invocation"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id, nodeId } = c.req.valid("param");
          const invocation = await fleet.commands.invocation(id, nodeId);
          return c.json(
            {
              ...invocationBody(invocation),
              standardOutputContent: await fleet.commands.outputContent(invocation, "stdout"),
              standardErrorContent: await fleet.commands.outputContent(invocation, "stderr"),
            },
            200,
          );
        }),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/commands/{id}/invocations/{nodeId}/output",
        summary:
          "The full output of a stream as raw bytes from `offset` (X-Opsflow-Output-Size: the bytes stored so far)",
        request: {
          params: InvocationParams,
          query: z.object({
            stream: z.enum(["stdout", "stderr"]).default("stdout"),
            offset: z.coerce.number().int().min(0).default(0),
            length: z.coerce
              .number()
              .int()
              .min(1)
              .max(MAX_OUTPUT_PAGE_BYTES)
              .default(OUTPUT_PAGE_BYTES),
          }),
        },
        responses: {
          200: {
            description: "The bytes (empty past the end)",
            content: {
              "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) },
            },
          },
          ...errors,
        },
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id, nodeId } = c.req.valid("param");
          const { stream, offset, length } = c.req.valid("query");
          const invocation = await fleet.commands.invocation(id, nodeId);
          const bytes = await fleet.commands.readOutput(invocation, stream, offset, length);
          const size = stream === "stdout" ? invocation.stdoutBytes : invocation.stderrBytes;
          return c.body(new Uint8Array(bytes), 200, {
            "content-type": "application/octet-stream",
            "x-opsflow-output-size": String(Math.max(size, offset + bytes.byteLength)),
            "x-opsflow-output-truncated": String(invocation.outputTruncated),
            "x-opsflow-invocation-status": invocation.status,
          });
        }),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/commands/{id}/cancel",
        summary: "Cancel a command on all its nodes, or on `instanceIds`",
        request: {
          params: CommandId,
          body: {
            required: false,
            ...json(
              z
                .object({
                  instanceIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
                })
                .strict()
                .openapi("CancelCommand"),
            ),
          },
        },
        responses: ok("The command after the cancel request"),
      }),
      (c) =>
        fleetAnswer(c, async () => {
          const { id } = c.req.valid("param");
          const { instanceIds } = c.req.valid("json") ?? {};
          await fleet.commands.cancel(id, instanceIds);
          return c.json(commandBody(await fleet.commands.get(id)), 200);
        }),
    );
  };
}

/** The given statuses, each checked against `known`. */
function statusesOf(given: string[], known: readonly string[]): string[] {
  const unknown = given.find((status) => !known.includes(status));
  if (unknown !== undefined)
    throw new FleetError(
      "InvalidFilter",
      `Unknown status '${unknown}': one of ${known.join(", ")}.`,
    );
  return given;
}
