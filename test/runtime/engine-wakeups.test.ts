/**
 * What wakes the durable engine's loop, on a real SQLite store and a clock that never moves
 * (so its 1-second poll never fires): executions published as started run from what they
 * started with, those beyond the loop's in-memory list and those settled by a task result
 * are found by the due-execution query, and a published start alone does not run that query.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { DurableEngine } from "../../src/runtime/durable/engine.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { manualClock } from "../events/helpers.js";
import { eventually } from "../server/harness.js";

const T0 = Date.parse("2030-01-01T00:00:00Z");
const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:M";

let store: Store;
let engine: DurableEngine;
let dueQueries: number;

beforeEach(async () => {
  store = openSqliteStore({ path: ":memory:" });
  const claimExecutions = store.claimExecutions.bind(store);
  dueQueries = 0;
  store.claimExecutions = (...args) => {
    dueQueries++;
    return claimExecutions(...args);
  };
  await store.createStateMachine({
    arn: MACHINE,
    name: "M",
    type: "STANDARD",
    definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
    roleArn: "arn:aws:iam::123456789012:role/r",
    revisionId: "1",
    createdAt: T0,
    updatedAt: T0,
  });
  engine = new DurableEngine({
    store,
    clock: manualClock(T0),
    dispatcher: { invoke: async () => ({}) },
    region: "us-east-1",
    account: "123456789012",
  });
  await engine.start();
  // Startup looks for executions a previous process left: let that pass go by.
  await eventually(async () => dueQueries > 0 || undefined);
});
afterEach(async () => {
  await engine.stop();
  await store.close();
});

/** Stores `count` executions of M in one turn and publishes them, as StartExecution does. */
async function startExecutions(count: number): Promise<string[]> {
  const machine = await engine.starter.resolve(MACHINE);
  const executions = Array.from({ length: count }, (_, index) =>
    engine.starter.build(machine, `e${index}`, { index }, T0),
  );
  await Promise.all(executions.map((execution) => store.startExecution(execution)));
  for (const execution of executions) engine.publishStarted(execution.record, execution);
  return executions.map((execution) => execution.record.arn);
}

const succeeded = async (arns: string[]) => {
  for (const arn of arns) {
    const status = (await store.getExecution(arn))?.status;
    if (status !== "SUCCEEDED") return undefined;
  }
  return true;
};

test("published starts run without the due-execution query", async () => {
  const before = dueQueries;
  const arns = await startExecutions(20);
  await eventually(() => succeeded(arns));
  assert.equal(dueQueries, before);
});

test("starts beyond the in-memory list are found by the due-execution query", async () => {
  const arns = await startExecutions(1100);
  await eventually(() => succeeded(arns), 30_000);
});

test("an execution stored without being published runs when something wakes the loop", async () => {
  const machine = await engine.starter.resolve(MACHINE);
  const quiet = engine.starter.build(machine, "quiet", {}, T0);
  await store.startExecution(quiet);
  // A published start alone does not look for it...
  const published = await startExecutions(1);
  await eventually(() => succeeded(published));
  assert.equal((await store.getExecution(quiet.record.arn))?.status, "RUNNING");
  // ...a wake-up (a task result, a redrive, another process's work) does.
  engine.wake();
  await eventually(() => succeeded([quiet.record.arn]));
});
