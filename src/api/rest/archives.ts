/**
 * Archives and replays on the native REST API. Archives name their bus (default: `default`);
 * replays name their archive and, optionally, the rules of its bus they are limited to.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventBusError } from "../../events/bus/errors.js";
import type { ArchiveRecord, ReplayRecord } from "../../store/events-port.js";
import type { ApiContext, App } from "../context.js";
import {
  created,
  deleteRoute,
  describeRoute,
  iso,
  json,
  NameParam,
  ok,
  PrefixPageQuery,
  page,
} from "./route-parts.js";

const Pattern = z.union([z.string(), z.record(z.string(), z.unknown())]).openapi({
  description: "An event pattern (JSON object or its text)",
});
const CreateArchiveBody = z
  .object({
    name: z.string().min(1).max(48),
    eventBusName: z.string().max(1600).optional(),
    eventPattern: Pattern.optional(),
    retentionDays: z.number().int().min(0).optional().openapi({ description: "0: forever" }),
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("CreateArchive");
const UpdateArchiveBody = z
  .object({
    eventPattern: Pattern.optional(),
    retentionDays: z.number().int().min(0).optional(),
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("UpdateArchive");
const StartReplayBody = z
  .object({
    name: z.string().min(1).max(64),
    archiveName: z.string().min(1).max(48),
    startTime: z.string().min(1).max(64).openapi({ description: "ISO 8601 time" }),
    endTime: z.string().min(1).max(64).openapi({ description: "ISO 8601 time" }),
    ruleNames: z.array(z.string().min(1).max(64)).min(1).max(100).optional().openapi({
      description: "Replay only to these rules of the archive's bus (FilterArns)",
    }),
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("StartReplay");

/** An ISO 8601 time of the body, or a located ValidationException. */
function timeOf(value: string, member: string): Date {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new EventBusError(
      "ValidationException",
      `/${member}: '${value}' is not an ISO 8601 time.`,
    );
  return new Date(ms);
}

const text = (value: string | Record<string, unknown>) =>
  typeof value === "string" ? value : JSON.stringify(value);

/** An archive as the REST API shows it. */
function archiveBody(archive: ArchiveRecord) {
  return {
    name: archive.name,
    arn: archive.arn,
    eventBusName: archive.eventBusName,
    ...(archive.eventPattern !== undefined && { eventPattern: archive.eventPattern }),
    ...(archive.description !== undefined && { description: archive.description }),
    retentionDays: archive.retentionDays,
    state: archive.state,
    eventCount: archive.eventCount,
    sizeBytes: archive.sizeBytes,
    createdAt: iso(archive.createdAt),
  };
}

/** A replay as the REST API shows it. */
function replayBody(replay: ReplayRecord) {
  return {
    name: replay.name,
    arn: replay.arn,
    archiveName: replay.archiveName,
    archiveArn: replay.archiveArn,
    eventBusName: replay.destinationBus,
    ...(replay.filterArns !== undefined && { filterArns: replay.filterArns }),
    ...(replay.description !== undefined && { description: replay.description }),
    startTime: iso(replay.eventStart),
    endTime: iso(replay.eventEnd),
    state: replay.state,
    ...(replay.stateReason !== undefined && { stateReason: replay.stateReason }),
    ...(replay.lastReplayedAt !== undefined && { lastReplayedTime: iso(replay.lastReplayedAt) }),
    replayStartTime: iso(replay.replayStart),
    ...(replay.replayEnd !== undefined && { replayEndTime: iso(replay.replayEnd) }),
  };
}

/** Registers the archive and replay routes. */
export function archiveRoutes(app: App, api: ApiContext): void {
  const events = api.events;
  if (!events) return;
  const { bus } = events;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/archives",
      summary: "Create an archive of a bus's events (those matching its pattern, or all)",
      request: { body: { required: true, ...json(CreateArchiveBody) } },
      responses: created("The archive"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const source = await bus.describeEventBus(body.eventBusName);
      const archive = await bus.archives.create({
        ArchiveName: body.name,
        EventSourceArn: source.arn,
        ...(body.eventPattern !== undefined && { EventPattern: text(body.eventPattern) }),
        ...(body.retentionDays !== undefined && { RetentionDays: body.retentionDays }),
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(archiveBody(archive), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/archives",
      summary: "List archives",
      request: {
        query: z.object({
          ...PrefixPageQuery,
          eventBusName: z.string().optional(),
        }),
      },
      responses: ok("Archives"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const source = q.eventBusName ? await bus.describeEventBus(q.eventBusName) : undefined;
      const result = await bus.archives.list(
        {
          ...(q.prefix !== undefined && { namePrefix: q.prefix }),
          ...(source && { eventSourceArn: source.arn }),
        },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      return c.json(page(result.items.map(archiveBody), result.nextToken), 200);
    },
  );
  describeRoute(
    app,
    {
      path: "/v1/archives/{name}",
      summary: "Describe an archive (event count and size included)",
      answer: "The archive",
    },
    (name) => bus.archives.describe(name),
    archiveBody,
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/archives/{name}",
      summary: "Update an archive's pattern, retention or description",
      request: { params: NameParam, body: { required: true, ...json(UpdateArchiveBody) } },
      responses: ok("The archive"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const archive = await bus.archives.update({
        ArchiveName: c.req.valid("param").name,
        ...(body.eventPattern !== undefined && { EventPattern: text(body.eventPattern) }),
        ...(body.retentionDays !== undefined && { RetentionDays: body.retentionDays }),
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(archiveBody(archive), 200);
    },
  );
  deleteRoute(
    app,
    { path: "/v1/archives/{name}", summary: "Delete an archive and its events" },
    (name) => bus.archives.delete(name),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/replays",
      summary: "Replay an archive's events of a time window to its bus's rules",
      request: { body: { required: true, ...json(StartReplayBody) } },
      responses: created("The replay (STARTING)"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const from = timeOf(body.startTime, "startTime");
      const to = timeOf(body.endTime, "endTime");
      const archive = await bus.archives.describe(body.archiveName);
      const source = await bus.describeEventBus(archive.eventBusName);
      const filters: string[] = [];
      for (const rule of body.ruleNames ?? [])
        filters.push((await bus.describeRule(rule, archive.eventBusName)).arn);
      const replay = await bus.replays.start({
        ReplayName: body.name,
        EventSourceArn: archive.arn,
        EventStartTime: from,
        EventEndTime: to,
        Destination: { Arn: source.arn, ...(filters.length > 0 && { FilterArns: filters }) },
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(replayBody(replay), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/replays",
      summary: "List replays",
      request: {
        query: z.object({
          ...PrefixPageQuery,
          archiveName: z.string().optional(),
          state: z
            .enum(["STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"])
            .optional(),
        }),
      },
      responses: ok("Replays"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const archive = q.archiveName ? await bus.archives.describe(q.archiveName) : undefined;
      const result = await bus.replays.list(
        {
          ...(q.prefix !== undefined && { namePrefix: q.prefix }),
          ...(archive && { eventSourceArn: archive.arn }),
          ...(q.state !== undefined && { state: q.state }),
        },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      return c.json(page(result.items.map(replayBody), result.nextToken), 200);
    },
  );
  describeRoute(
    app,
    {
      path: "/v1/replays/{name}",
      summary: "Describe a replay: state and progress (last replayed event time)",
      answer: "The replay",
    },
    (name) => bus.replays.describe(name),
    replayBody,
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/replays/{name}/cancel",
      summary: "Cancel a replay (CANCELLING, then CANCELLED after its current batch)",
      request: { params: NameParam },
      responses: ok("The replay"),
    }),
    async (c) => c.json(replayBody(await bus.replays.cancel(c.req.valid("param").name)), 200),
  );
}
