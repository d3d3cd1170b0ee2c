/**
 * State machine targets start in the transaction that accepts their event, on a real SQLite
 * store: the execution exists once PutEvents has answered, named per event, rule and target,
 * with the target's input. What cannot start that way (an EXPRESS machine, a start that
 * throws, an input that is not JSON) is queued for the delivery loop, which reports why.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { type DeliveryPorts, executionName } from "../../src/events/bus/deliver.js";
import type { EventBusService } from "../../src/events/bus/service.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { ExecutionRecord, NewExecution } from "../../src/store/workflows-port.js";
import { newExecution } from "../store/fixtures.js";
import { manualClock, noDeliveries, startBus } from "./helpers.js";

const T0 = Date.parse("2030-01-01T00:00:00Z");
const MACHINES = "arn:aws:states:us-east-1:123456789012:stateMachine";
const RULE = "arn:aws:events:us-east-1:123456789012:rule/r";

let store: Store;
let bus: EventBusService;
let prepared: { arn: string; name: string; input: string }[];
let started: ExecutionRecord[];

/** Starts `…:stateMachine:M`; EXPRESS is not stored; `broken` throws as a missing machine does. */
const ports: DeliveryPorts = {
  ...noDeliveries,
  async prepareExecution(arn, name, input) {
    prepared.push({ arn, name, input });
    if (arn.endsWith(":express")) return undefined;
    if (arn.endsWith(":broken")) throw new Error("State Machine Does Not Exist");
    const execution: NewExecution = newExecution(name, { input });
    return execution;
  },
  executionsStarted(executions) {
    started.push(...executions.map((execution) => execution.record));
  },
};

beforeEach(async () => {
  prepared = [];
  started = [];
  store = openSqliteStore({ path: ":memory:" });
  for (const name of ["M", "express", "broken"])
    await store.createStateMachine({
      arn: `${MACHINES}:${name}`,
      name,
      type: name === "express" ? "EXPRESS" : "STANDARD",
      definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
      roleArn: "arn:aws:iam::123456789012:role/r",
      revisionId: "1",
      createdAt: T0,
      updatedAt: T0,
    });
  bus = await startBus(store, manualClock(T0), { ports });
  await bus.putRule({ Name: "r", EventPattern: '{"source":["app"]}' });
});
afterEach(() => store.close());

const put = async () => {
  const result = await bus.putEvents([
    { Source: "app", DetailType: "t", Detail: JSON.stringify({ host: "web-1" }) },
  ]);
  return (result.Entries[0] as { EventId: string }).EventId;
};
const queued = async () =>
  (await store.claimDeliveries("test", T0, 60_000, 10)).map((d) => d.target.Id).sort();

test("a state machine target's execution is stored with its event, with the target's input; nothing is queued", async () => {
  await bus.putTargets("r", undefined, [
    { Id: "sfn", Arn: `${MACHINES}:M`, InputPath: "$.detail" },
  ]);
  const eventId = await put();
  const name = executionName(eventId, RULE, "sfn");
  assert.deepEqual(prepared, [{ arn: `${MACHINES}:M`, name, input: '{"host":"web-1"}' }]);
  assert.deepEqual(
    started.map((record) => record.name),
    [name],
  );
  const stored = await store.getExecution(started[0].arn);
  assert.equal(stored?.status, "RUNNING");
  assert.equal(stored?.input, '{"host":"web-1"}');
  assert.deepEqual(await queued(), []);
});

test("EXPRESS machines, starts that throw and inputs that are not JSON are queued for the delivery loop", async () => {
  const { FailedEntryCount } = await bus.putTargets("r", undefined, [
    { Id: "express", Arn: `${MACHINES}:express` },
    { Id: "broken", Arn: `${MACHINES}:broken` },
    {
      Id: "text",
      Arn: `${MACHINES}:M`,
      InputTransformer: { InputPathsMap: { h: "$.detail.host" }, InputTemplate: "host <h>" },
    },
    { Id: "ok", Arn: `${MACHINES}:M` },
  ]);
  assert.equal(FailedEntryCount, 0);
  await put();
  assert.deepEqual(prepared.map((p) => p.arn.split(":").at(-1)).sort(), ["M", "broken", "express"]);
  assert.equal(started.length, 1);
  assert.deepEqual(await queued(), ["broken", "express", "text"]);
});

test("event ids carry the bus clock's time, so the names of the executions they start grow with it", async () => {
  await bus.putTargets("r", undefined, [{ Id: "sfn", Arn: `${MACHINES}:M` }]);
  const first = await put();
  const second = await put();
  const millisecondOf = (id: string) => Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
  assert.equal(millisecondOf(first), T0);
  assert.notEqual(first, second);
  assert.ok(started[0].name.startsWith(first));
});
