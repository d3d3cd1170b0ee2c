/**
 * The archives, replays, connections and api-destinations CLI verbs against an in-process
 * server: create, list, describe, delete, start, cancel; --json; refusals exit non-zero with
 * the bus's error code; secrets are never printed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import { runCliAsync, serverEnv } from "../cli/helpers.js";
import { AdjustableClock, call, startOpsServer } from "../ops/helpers.js";
import { eventually } from "./harness.js";

let server: RunningServer;

before(async () => {
  server = await startOpsServer(new AdjustableClock(), {});
});
after(async () => {
  await server?.close();
});

/** Runs the CLI asynchronously (the server runs in this process). */
const opsflow = (...args: string[]) => runCliAsync(args, serverEnv(server.url));

test("connections and api-destinations: create, describe without secrets, delete in use refused", async () => {
  const created = await opsflow(
    "connections",
    "create",
    "cli-conn",
    "--type",
    "API_KEY",
    "--api-key-name",
    "x-api-key",
    "--api-key-value",
    "cli-secret-value",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /connection\/cli-conn\//);
  const destination = await opsflow(
    "api-destinations",
    "create",
    "cli-dest",
    "--connection",
    "cli-conn",
    "--url",
    "http://127.0.0.1:9/hook",
  );
  assert.equal(destination.code, 0, destination.stderr);
  assert.match(destination.stdout, /api-destination\/cli-dest\//);
  const described = await opsflow("connections", "describe", "cli-conn", "--json");
  assert.equal(described.code, 0, described.stderr);
  assert.equal(
    JSON.parse(described.stdout).authParameters.ApiKeyAuthParameters.ApiKeyName,
    "x-api-key",
  );
  assert.ok(!described.stdout.includes("cli-secret-value"));
  const listed = await opsflow("api-destinations", "list");
  assert.match(listed.stdout, /^cli-dest\tPOST\thttp:\/\/127\.0\.0\.1:9\/hook\t/m);
  const refused = await opsflow("connections", "delete", "cli-conn");
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr + refused.stdout, /ConcurrentModificationException|used by/);
  const missing = await opsflow("connections", "create", "x", "--type", "BASIC");
  assert.equal(missing.code, 2, "usage error");
  assert.match(missing.stderr, /--username is required/);
});

test("archives and replays: create, events archived, replay to COMPLETED, cancel refused when done", async () => {
  const help = await opsflow("replays", "start", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--archive NAME --from TIME --to TIME/);
  const from = new Date(Date.now() - 60_000).toISOString();
  const created = await opsflow(
    "archives",
    "create",
    "cli-archive",
    "--pattern",
    '{"source":["cli"]}',
    "--retention-days",
    "3",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /archive\/cli-archive/);
  const put = await opsflow(
    "events",
    "put",
    "--source",
    "cli",
    "--detail-type",
    "t",
    "--detail",
    "{}",
  );
  assert.equal(put.code, 0, put.stderr);
  const described = await opsflow("archives", "describe", "cli-archive", "--json");
  assert.equal(JSON.parse(described.stdout).eventCount, 1);
  const listed = await opsflow("archives", "list", "--prefix", "cli-");
  assert.match(listed.stdout, /^cli-archive\tdefault\tENABLED\t1\t3$/m);
  const started = await opsflow(
    "replays",
    "start",
    "cli-replay",
    "--archive",
    "cli-archive",
    "--from",
    from,
    "--to",
    new Date(Date.now() + 1000).toISOString(),
  );
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /replay\/cli-replay\tSTARTING/);
  await eventually(async () => {
    const state = await call(server.url, "GET", "/v1/replays/cli-replay");
    return state.body.state === "COMPLETED" ? true : undefined;
  });
  const replay = await opsflow("replays", "describe", "cli-replay", "--json");
  assert.equal(JSON.parse(replay.stdout).state, "COMPLETED");
  const cancel = await opsflow("replays", "cancel", "cli-replay");
  assert.notEqual(cancel.code, 0);
  assert.match(cancel.stderr + cancel.stdout, /IllegalStatusException|cannot be cancelled/);
  const badTime = await opsflow(
    "replays",
    "start",
    "x",
    "--archive",
    "cli-archive",
    "--from",
    "yesterday",
    "--to",
    from,
  );
  assert.equal(badTime.code, 2);
  const deleted = await opsflow("archives", "delete", "cli-archive");
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await opsflow("archives", "describe", "cli-archive");
  assert.notEqual(gone.code, 0);
});

test("targets put: refused targets are printed with their reason (exit 1), the others stored", async () => {
  const rule = await call(server.url, "PUT", "/v1/rules/cli-rule", {
    eventPattern: { source: ["cli"] },
  });
  assert.equal(rule.status, 200, JSON.stringify(rule.body));
  const destination = await call(server.url, "GET", "/v1/api-destinations/cli-dest");
  const result = await opsflow(
    "targets",
    "put",
    "cli-rule",
    "--targets",
    JSON.stringify([
      {
        Id: "ok",
        Arn: destination.body.arn,
        DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:123456789012:dlq" },
      },
      { Id: "bad", Arn: "arn:aws:s3:::bucket" },
    ]),
  );
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^ok\t/m);
  assert.match(result.stdout, /^refused bad: ValidationException: .*cannot deliver/m);
  const listed = await call(server.url, "GET", "/v1/rules/cli-rule/targets");
  assert.deepEqual(
    listed.body.items.map((t: { Id: string; DeadLetterConfig?: { Arn: string } }) => [
      t.Id,
      t.DeadLetterConfig?.Arn,
    ]),
    [["ok", "arn:aws:sqs:us-east-1:123456789012:dlq"]],
  );
});
