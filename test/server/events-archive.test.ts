/**
 * Archives and replays through @aws-sdk/client-eventbridge against a real server process: an
 * archive with a pattern collects only matching events; a replay of a window re-fires the
 * rules' targets with `replay-name` set (only the FilterArns rules when given), is not
 * archived again, and ends COMPLETED; bad input gets EventBridge's error types and changes
 * nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { passMachine, rejectsWith } from "./sdk-helpers.js";

let server: ServerProcess;
let events: eb.EventBridgeClient;
let states: sfn.SFNClient;
const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default";

before(async () => {
  server = await startServerProcess();
  events = new eb.EventBridgeClient(sdkConfig(server.url));
  states = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  events?.destroy();
  states?.destroy();
  await server?.stop();
});

const machine = (name: string) => passMachine(states, name);

/** The inputs of a state machine's executions, once there are `count` of them. */
async function inputsOf(stateMachineArn: string, count: number) {
  const list = await eventually(async () => {
    const { executions } = await states.send(
      new sfn.ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }),
    );
    return (executions?.length ?? 0) >= count ? executions : undefined;
  });
  const inputs = [];
  for (const execution of list ?? []) {
    const described = await states.send(
      new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
    );
    inputs.push(JSON.parse(described.input as string));
  }
  return inputs;
}

async function completed(name: string) {
  return eventually(async () => {
    const replay = await events.send(new eb.DescribeReplayCommand({ ReplayName: name }));
    return replay.State === "COMPLETED" ? replay : undefined;
  });
}

describe("archives and replays through @aws-sdk/client-eventbridge", () => {
  let ruleA: string;
  let machineA: string;
  let machineB: string;
  let windowStart: Date;

  test("an archive with a pattern collects only the matching events", async () => {
    machineA = await machine("orders-a");
    machineB = await machine("orders-b");
    ruleA = (
      await events.send(
        new eb.PutRuleCommand({ Name: "orders-a", EventPattern: '{"source":["shop"]}' }),
      )
    ).RuleArn as string;
    await events.send(
      new eb.PutRuleCommand({ Name: "orders-b", EventPattern: '{"source":["shop"]}' }),
    );
    await events.send(
      new eb.PutTargetsCommand({
        Rule: "orders-a",
        Targets: [{ Id: "a", Arn: machineA }],
      }),
    );
    await events.send(
      new eb.PutTargetsCommand({ Rule: "orders-b", Targets: [{ Id: "b", Arn: machineB }] }),
    );
    const created = await events.send(
      new eb.CreateArchiveCommand({
        ArchiveName: "shop",
        EventSourceArn: BUS,
        EventPattern: JSON.stringify({ source: ["shop"], detail: { n: [{ numeric: [">", 0] }] } }),
        RetentionDays: 0,
        Description: "orders",
      }),
    );
    assert.equal(created.ArchiveArn, "arn:aws:events:us-east-1:123456789012:archive/shop");
    assert.equal(created.State, "ENABLED");
    windowStart = new Date(Date.now() - 1000);
    const put = await events.send(
      new eb.PutEventsCommand({
        Entries: [
          ...[1, 2, 3].map((n) => ({ Source: "shop", DetailType: "order", Detail: `{"n":${n}}` })),
          { Source: "shop", DetailType: "order", Detail: '{"n":0}' },
          { Source: "elsewhere", DetailType: "order", Detail: '{"n":9}' },
        ],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    assert.equal((await inputsOf(machineA, 4)).length, 4);
    const archive = await events.send(new eb.DescribeArchiveCommand({ ArchiveName: "shop" }));
    assert.equal(archive.EventCount, 3, "n=0 and the other source are not archived");
    assert.ok((archive.SizeBytes ?? 0) > 300);
    assert.equal(archive.EventSourceArn, BUS);
    assert.equal(archive.RetentionDays, 0);
    assert.equal(archive.Description, "orders");
  });

  test("a replay limited by FilterArns re-fires only that rule, with replay-name set", async () => {
    const started = await events.send(
      new eb.StartReplayCommand({
        ReplayName: "only-a",
        EventSourceArn: "arn:aws:events:us-east-1:123456789012:archive/shop",
        EventStartTime: windowStart,
        EventEndTime: new Date(Date.now() + 1000),
        Destination: { Arn: BUS, FilterArns: [ruleA] },
      }),
    );
    assert.equal(started.ReplayArn, "arn:aws:events:us-east-1:123456789012:replay/only-a");
    assert.equal(started.State, "STARTING");
    const replay = await completed("only-a");
    assert.ok(replay.EventLastReplayedTime instanceof Date);
    assert.ok(replay.ReplayEndTime instanceof Date);
    assert.deepEqual(replay.Destination?.FilterArns, [ruleA]);
    const inputs = await inputsOf(machineA, 7);
    const replayed = inputs.filter((input) => input["replay-name"] === "only-a");
    assert.deepEqual(replayed.map((input) => input.detail.n).sort(), [1, 2, 3]);
    assert.ok(replayed.every((input) => input.source === "shop"));
    // Where EventBridge puts it: right after `region`.
    const keys = Object.keys(replayed[0]);
    assert.equal(keys[keys.indexOf("region") + 1], "replay-name", keys.join());
    // The other rule was not replayed to.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await inputsOf(machineB, 4)).length, 4);
    assert.equal((await inputsOf(machineA, 7)).length, 7);
    // Replayed events are not archived again.
    const archive = await events.send(new eb.DescribeArchiveCommand({ ArchiveName: "shop" }));
    assert.equal(archive.EventCount, 3);
  });

  test("a replay without FilterArns re-fires every rule; a window with no events completes with none", async () => {
    await events.send(
      new eb.StartReplayCommand({
        ReplayName: "all",
        EventSourceArn: "arn:aws:events:us-east-1:123456789012:archive/shop",
        EventStartTime: windowStart,
        EventEndTime: new Date(),
        Destination: { Arn: BUS },
      }),
    );
    await completed("all");
    const b = await inputsOf(machineB, 7);
    assert.equal(b.filter((input) => input["replay-name"] === "all").length, 3);
    await events.send(
      new eb.StartReplayCommand({
        ReplayName: "empty-window",
        EventSourceArn: "arn:aws:events:us-east-1:123456789012:archive/shop",
        EventStartTime: new Date(windowStart.getTime() - 3_600_000),
        EventEndTime: new Date(windowStart.getTime() - 60_000),
        Destination: { Arn: BUS },
      }),
    );
    const empty = await completed("empty-window");
    assert.equal(empty.EventLastReplayedTime, undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await inputsOf(machineA, 10)).length, 10);
    const { Replays } = await events.send(new eb.ListReplaysCommand({ State: "COMPLETED" }));
    assert.deepEqual(
      Replays?.map((r) => r.ReplayName),
      ["all", "empty-window", "only-a"],
    );
    await rejectsWith(
      events.send(new eb.CancelReplayCommand({ ReplayName: "all" })),
      "IllegalStatusException",
    );
  });

  test("ListArchives pages and filters; UpdateArchive changes the pattern; DeleteArchive removes it", async () => {
    await events.send(new eb.CreateArchiveCommand({ ArchiveName: "x-1", EventSourceArn: BUS }));
    await events.send(new eb.CreateArchiveCommand({ ArchiveName: "x-2", EventSourceArn: BUS }));
    const first = await events.send(new eb.ListArchivesCommand({ NamePrefix: "x-", Limit: 1 }));
    assert.deepEqual(
      first.Archives?.map((a) => a.ArchiveName),
      ["x-1"],
    );
    const second = await events.send(
      new eb.ListArchivesCommand({ NamePrefix: "x-", Limit: 1, NextToken: first.NextToken }),
    );
    assert.deepEqual(
      second.Archives?.map((a) => a.ArchiveName),
      ["x-2"],
    );
    // x-1 has no pattern: it takes every event of the bus.
    await events.send(
      new eb.PutEventsCommand({ Entries: [{ Source: "misc", DetailType: "t", Detail: "{}" }] }),
    );
    assert.equal(
      (await events.send(new eb.DescribeArchiveCommand({ ArchiveName: "x-1" }))).EventCount,
      1,
    );
    await events.send(
      new eb.UpdateArchiveCommand({
        ArchiveName: "x-1",
        EventPattern: '{"source":["kept"]}',
        RetentionDays: 7,
      }),
    );
    await events.send(
      new eb.PutEventsCommand({
        Entries: [
          { Source: "misc", DetailType: "t", Detail: "{}" },
          { Source: "kept", DetailType: "t", Detail: "{}" },
        ],
      }),
    );
    const updated = await events.send(new eb.DescribeArchiveCommand({ ArchiveName: "x-1" }));
    assert.equal(updated.EventCount, 2);
    assert.equal(updated.RetentionDays, 7);
    assert.equal(updated.EventPattern, '{"source":["kept"]}');
    await events.send(new eb.DeleteArchiveCommand({ ArchiveName: "x-2" }));
    await rejectsWith(
      events.send(new eb.DescribeArchiveCommand({ ArchiveName: "x-2" })),
      "ResourceNotFoundException",
    );
  });

  test("bad input: EventBridge's error types, nothing created", async () => {
    const archiveArn = "arn:aws:events:us-east-1:123456789012:archive/shop";
    await rejectsWith(
      events.send(
        new eb.CreateArchiveCommand({
          ArchiveName: "bad",
          EventSourceArn: BUS,
          EventPattern: '{"source":"x"}',
        }),
      ),
      "InvalidEventPatternException",
    );
    await rejectsWith(
      events.send(
        new eb.CreateArchiveCommand({
          ArchiveName: "bad",
          EventSourceArn: "arn:aws:events:us-east-1:123456789012:event-bus/nope",
        }),
      ),
      "ResourceNotFoundException",
      /nope/,
    );
    await rejectsWith(
      events.send(
        new eb.CreateArchiveCommand({ ArchiveName: "bad", EventSourceArn: "not-an-arn" }),
      ),
      "ValidationException",
    );
    await rejectsWith(
      events.send(new eb.CreateArchiveCommand({ ArchiveName: "shop", EventSourceArn: BUS })),
      "ResourceAlreadyExistsException",
    );
    await rejectsWith(
      events.send(
        new eb.CreateArchiveCommand({ ArchiveName: "bad", EventSourceArn: BUS, RetentionDays: -1 }),
      ),
      "ValidationException",
    );
    const replay = (name: string, extra: Partial<eb.StartReplayCommandInput> = {}) =>
      events.send(
        new eb.StartReplayCommand({
          ReplayName: name,
          EventSourceArn: archiveArn,
          EventStartTime: new Date(Date.now() - 60_000),
          EventEndTime: new Date(),
          Destination: { Arn: BUS },
          ...extra,
        }),
      );
    // EventBridge's answers (recorded against AWS): an unknown archive is a ValidationException.
    await rejectsWith(
      replay("bad", { EventSourceArn: "arn:aws:events:us-east-1:123456789012:archive/nope" }),
      "ValidationException",
      /^Parameter EventSourceArn is not valid\. Reason: Archive nope does not exist\.$/,
    );
    await rejectsWith(
      replay("bad", { Destination: { Arn: "not-a-bus" } }),
      "ValidationException",
      /Must contain an event bus ARN/,
    );
    await rejectsWith(
      replay("bad", {
        Destination: { Arn: "arn:aws:events:us-east-1:123456789012:event-bus/ghost" },
      }),
      "ResourceNotFoundException",
      /^Event bus ghost does not exist\.$/,
    );
    await rejectsWith(
      replay("bad", { EventStartTime: new Date(), EventEndTime: new Date(Date.now() - 60_000) }),
      "ValidationException",
      /EventStartTime must be before EventEndTime/,
    );
    const now = new Date();
    await rejectsWith(
      replay("bad", { EventStartTime: now, EventEndTime: now }),
      "ValidationException",
      /^Parameter EventEndTime is not valid\. Reason: EventStartTime must be before EventEndTime\.$/,
    );
    await events.send(new eb.CreateEventBusCommand({ Name: "other" }));
    await rejectsWith(
      replay("bad", {
        Destination: { Arn: "arn:aws:events:us-east-1:123456789012:event-bus/other" },
      }),
      "ValidationException",
      /^Parameter Destination\.Arn is not valid\. Reason: Cross event bus replay is not permitted\.$/,
    );
    await rejectsWith(
      replay("bad", {
        Destination: {
          Arn: BUS,
          FilterArns: ["arn:aws:events:us-east-1:123456789012:rule/no-such-rule"],
        },
      }),
      "ResourceNotFoundException",
    );
    await rejectsWith(replay("only-a"), "ResourceAlreadyExistsException");
    await rejectsWith(
      events.send(new eb.DescribeReplayCommand({ ReplayName: "bad" })),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      events.send(new eb.DescribeArchiveCommand({ ArchiveName: "bad" })),
      "ResourceNotFoundException",
    );
    const { Archives } = await events.send(new eb.ListArchivesCommand({}));
    assert.deepEqual(
      Archives?.map((a) => a.ArchiveName),
      ["shop", "x-1"],
    );
  });

  test("REST: archives and replays by name", async () => {
    const archive = await rest(server.url, "GET", "/v1/archives/shop");
    assert.equal(archive.status, 200);
    assert.equal(archive.body.eventCount, 3);
    const started = await rest(server.url, "POST", "/v1/replays", {
      name: "rest-replay",
      archiveName: "shop",
      startTime: windowStart.toISOString(),
      endTime: new Date().toISOString(),
      ruleNames: ["orders-b"],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual(started.body.filterArns, [
      "arn:aws:events:us-east-1:123456789012:rule/orders-b",
    ]);
    const done = await eventually(async () => {
      const { body } = await rest(server.url, "GET", "/v1/replays/rest-replay");
      return body.state === "COMPLETED" ? body : undefined;
    });
    assert.ok(done.lastReplayedTime);
    const bad = await rest(server.url, "POST", "/v1/replays", {
      name: "rest-bad",
      archiveName: "shop",
      startTime: windowStart.toISOString(),
      endTime: new Date().toISOString(),
      ruleNames: ["missing-rule"],
    });
    assert.equal(bad.status, 404);
    assert.equal((await rest(server.url, "GET", "/v1/replays/rest-bad")).status, 404);
  });
});
