import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import {
  deployNodeFunction,
  eventually,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "./harness.js";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const role = "arn:aws:iam::123456789012:role/x";

/** Checks a history: ids 1..n without gaps or duplicates, each task result applied once. */
function checkHistory(events: sfn.HistoryEvent[]): void {
  events.forEach((event, index) => {
    assert.equal(event.id, index + 1, `event ${index} has id ${event.id}`);
    assert.equal(event.previousEventId, index);
  });
  let open = 0;
  for (const event of events) {
    if (event.type === "LambdaFunctionScheduled" || event.type === "TaskScheduled") open++;
    if (/^(LambdaFunction|Task)(Succeeded|Failed|TimedOut)$/.test(event.type ?? "")) {
      open--;
      assert.ok(open >= 0, "a task result was applied twice");
    }
  }
}

describe("crash safety", () => {
  test("SIGKILL at random moments: every execution ends as it should, histories have no gaps or duplicates", async () => {
    let server: ServerProcess = await startServerProcess();
    const dataDir = server.dataDir;
    let client = new sfn.SFNClient(sdkConfig(server.url));
    await deployNodeFunction(
      server.url,
      "inc",
      "export async function handler(e) { await new Promise(r => setTimeout(r, 20)); return { n: e.n + 1 }; }",
    );
    await deployNodeFunction(
      server.url,
      "sometimes",
      `import { existsSync, writeFileSync } from "node:fs";
       export async function handler(e) {
         if (!existsSync(e.marker)) { writeFileSync(e.marker, "1"); const err = new Error("try again"); err.name = "Flaky"; throw err; }
         return e;
       }`,
    );
    const { stateMachineArn } = await client.send(
      new sfn.CreateStateMachineCommand({
        name: "mixed",
        roleArn: role,
        definition: JSON.stringify({
          StartAt: "Inc",
          States: {
            Inc: { Type: "Task", Resource: fn("inc"), ResultPath: "$.incremented", Next: "Pause" },
            Pause: { Type: "Wait", Seconds: 1, Next: "Fan" },
            Fan: {
              Type: "Map",
              ItemsPath: "$.items",
              MaxConcurrency: 2,
              ItemSelector: { "n.$": "$$.Map.Item.Value" },
              ItemProcessor: {
                StartAt: "Each",
                States: { Each: { Type: "Task", Resource: fn("inc"), End: true } },
              },
              ResultPath: "$.fanned",
              Next: "Retry",
            },
            Retry: {
              Type: "Task",
              Resource: fn("sometimes"),
              Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: 1, MaxAttempts: 5 }],
              End: true,
            },
          },
        }),
      }),
    );
    const started: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { executionArn } = await client.send(
        new sfn.StartExecutionCommand({
          stateMachineArn,
          name: `run-${i}`,
          input: JSON.stringify({ n: i, items: [1, 2, 3], marker: `${dataDir}/marker-${i}` }),
        }),
      );
      started.push(executionArn as string);
    }
    // Kill and restart three times while they run.
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 700)));
      await server.kill();
      client.destroy();
      server = await startServerProcess(dataDir);
      client = new sfn.SFNClient(sdkConfig(server.url));
    }
    try {
      for (const [i, executionArn] of started.entries()) {
        const execution = await eventually(async () => {
          const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
          return described.status === "RUNNING" ? undefined : described;
        }, 60_000);
        assert.equal(
          execution.status,
          "SUCCEEDED",
          `${executionArn}: ${execution.error} ${execution.cause}`,
        );
        assert.deepEqual(JSON.parse(execution.output as string), {
          n: i,
          items: [1, 2, 3],
          marker: `${dataDir}/marker-${i}`,
          incremented: { n: i + 1 },
          fanned: [{ n: 2 }, { n: 3 }, { n: 4 }],
        });
        const { events } = await client.send(
          new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
        );
        checkHistory(events ?? []);
      }
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  test("a Wait fires within 1 s of due after a restart during the wait (or of the restarted server being ready, when it was down past due)", async (t) => {
    let server = await startServerProcess();
    let client = new sfn.SFNClient(sdkConfig(server.url));
    try {
      const { stateMachineArn } = await client.send(
        new sfn.CreateStateMachineCommand({
          name: "waiter",
          roleArn: role,
          definition: JSON.stringify({
            StartAt: "W",
            States: { W: { Type: "Wait", SecondsPath: "$.seconds", End: true } },
          }),
        }),
      );
      // One execution falls due while the server is down, one after it is back.
      const waits = { downPastDue: 2, dueAfterRestart: 7 };
      const runs = await Promise.all(
        Object.values(waits).map(async (seconds) => {
          const { executionArn } = await client.send(
            new sfn.StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ seconds }) }),
          );
          return { executionArn: executionArn as string, seconds };
        }),
      );
      const history = async (executionArn: string) =>
        (await client.send(new sfn.GetExecutionHistoryCommand({ executionArn }))).events ?? [];
      const at = (events: sfn.HistoryEvent[], type: string) => {
        const event = events.find((e) => e.type === type);
        return event && (event.timestamp as Date).getTime();
      };
      // The server's own clock: the Wait is due its Seconds after the pass that entered it.
      const dues = await Promise.all(
        runs.map(({ executionArn, seconds }) =>
          eventually(async () => {
            const entered = at(await history(executionArn), "WaitStateEntered");
            return entered === undefined ? undefined : entered + seconds * 1000;
          }),
        ),
      );
      const killedAt = Date.now();
      await server.kill();
      client.destroy();
      // Stay down until the first Wait is past due.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, dues[0] + 300 - Date.now())));
      server = await startServerProcess(server.dataDir);
      client = new sfn.SFNClient(sdkConfig(server.url));
      assert.ok(server.readyAt > dues[0], "the server was down past the first Wait's due time");
      for (const [index, { executionArn }] of runs.entries()) {
        const execution = await eventually(async () => {
          const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
          return described.status === "RUNNING" ? undefined : described;
        });
        assert.equal(execution.status, "SUCCEEDED");
        const exited = at(await history(executionArn), "WaitStateExited") as number;
        const due = dues[index];
        assert.ok(exited > killedAt, "the Wait fired after the restart, not before the kill");
        assert.ok(exited >= due, `fired ${due - exited} ms before due`);
        // Start-up time is not lateness: the clock starts at due or at ready, whichever is later.
        const lateness = exited - Math.max(due, server.readyAt);
        t.diagnostic(
          `${runs[index].seconds} s wait: exited ${exited - due} ms after due, ${exited - server.readyAt} ms after ready`,
        );
        assert.ok(
          lateness < 1000,
          `fired ${lateness} ms after due (or after the server was ready)`,
        );
      }
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  test("task tokens survive a restart", async () => {
    let server = await startServerProcess();
    let client = new sfn.SFNClient(sdkConfig(server.url));
    try {
      const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "human" }));
      const { stateMachineArn } = await client.send(
        new sfn.CreateStateMachineCommand({
          name: "needs-human",
          roleArn: role,
          definition: JSON.stringify({
            StartAt: "Ask",
            States: { Ask: { Type: "Task", Resource: activityArn, End: true } },
          }),
        }),
      );
      const { executionArn } = await client.send(
        new sfn.StartExecutionCommand({ stateMachineArn, input: '{"q":1}' }),
      );
      const task = await client.send(new sfn.GetActivityTaskCommand({ activityArn }));
      await server.kill();
      client.destroy();
      server = await startServerProcess(server.dataDir);
      client = new sfn.SFNClient(sdkConfig(server.url));
      await client.send(
        new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"a":2}' }),
      );
      const execution = await eventually(async () => {
        const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
        return described.status === "RUNNING" ? undefined : described;
      });
      assert.deepEqual(JSON.parse(execution.output as string), { a: 2 });
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
