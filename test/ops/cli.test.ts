/** The topics and approvals CLI verbs against an in-process server. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import { runCliAsync, serverEnv } from "../cli/helpers.js";
import { ADMIN } from "../server/harness.js";
import {
  AdjustableClock,
  call,
  finished,
  run,
  startHooks,
  startOpsServer,
  tokenFor,
  until,
} from "./helpers.js";

let server: RunningServer;
let hooks: Awaited<ReturnType<typeof startHooks>>;

before(async () => {
  hooks = await startHooks();
  server = await startOpsServer(new AdjustableClock(), {});
});
after(async () => {
  await server?.close();
  await hooks?.close();
});

/** Runs the CLI asynchronously (the server runs in this process: a sync spawn would block it). */
const opsflow = (token: string, ...args: string[]) =>
  runCliAsync(args, serverEnv(server.url, token));

test("topics: create, subscribe a webhook, publish, see the delivery", async () => {
  const created = await opsflow(ADMIN.token, "topics", "create", "cli-topic");
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /arn:aws:sns:us-east-1:123456789012:cli-topic/);
  const sub = await opsflow(
    ADMIN.token,
    "topics",
    "subscribe",
    "cli-topic",
    "--protocol",
    "http",
    "--to",
    `${hooks.url}/cli`,
  );
  assert.equal(sub.code, 0, sub.stderr);
  assert.match(sub.stdout, /secret \(shown only now\): \S{43}/);
  const bad = await opsflow(
    ADMIN.token,
    "topics",
    "publish",
    "cli-topic",
    "--message",
    "x",
    "--structure",
    "json",
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /failed to parse/);
  const published = await opsflow(
    ADMIN.token,
    "topics",
    "publish",
    "cli-topic",
    "--message",
    "hello",
    "--subject",
    "Hi",
  );
  assert.equal(published.code, 0, published.stderr);
  await until(() => hooks.calls.find((c) => c.path === "/cli"));
  const deliveries = await until(async () => {
    const out = await opsflow(ADMIN.token, "topics", "deliveries", "--topic", "cli-topic");
    return /\tdelivered\t1\thttp\t/.test(out.stdout) ? out : undefined;
  });
  assert.equal(deliveries.code, 0);
});

test("approvals: list mine, show, approve with a comment", async () => {
  const alice = await tokenFor(server, "alice");
  const arn = await run(server.url, "cli-approval", {
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::opsflow:approval.waitForTaskToken",
        Parameters: { Title: "From the CLI", Approvers: ["alice"], Data: { n: 1 } },
        End: true,
      },
    },
  });
  const id = await until(
    async () =>
      (await call(server.url, "GET", "/v1/approvals")).body.items[0]?.id as string | undefined,
  );
  const mine = await opsflow(alice, "approvals", "list");
  assert.match(mine.stdout, new RegExp(`${id}\\tPENDING\\tFrom the CLI`));
  const notMine = await opsflow(ADMIN.token, "approvals", "list");
  assert.doesNotMatch(notMine.stdout, new RegExp(id));
  const shown = await opsflow(alice, "approvals", "show", id);
  assert.match(shown.stdout, /approvers: user:alice \(quorum 1\)/);
  const approved = await opsflow(alice, "approvals", "approve", id, "--comment", "fine");
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(approved.stdout, /APPROVED/);
  const again = await opsflow(alice, "approvals", "reject", id);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Conflict/);
  const execution = await finished(server.url, arn);
  assert.deepEqual(execution.output.Comments, ["fine"]);
});
