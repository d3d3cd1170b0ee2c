/**
 * The fleet's CLI verbs (`opsflow nodes|activations|documents|commands`) as a user runs them:
 * the real `opsflow` binary against a real server process, with nodes played by the test
 * through the agent endpoint (test/api/fleet-node.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { registerTestNode, registerWith, type TestNode } from "../api/fleet-node.js";
import { rest, type ServerProcess, startServerProcess } from "../server/harness.js";
import { runCli, runCliAsync, serverEnv } from "./helpers.js";

let server: ServerProcess;
const dir = mkdtempSync(join(tmpdir(), "opsflow-fleet-cli-"));
before(async () => {
  server = await startServerProcess();
});
after(async () => server?.stop());

const opsflow = (...args: string[]) => runCli(args, serverEnv(server.url));
const opsflowAsync = (...args: string[]) => runCliAsync(args, serverEnv(server.url));

const HELLO = JSON.stringify({
  schemaVersion: "2.2",
  description: "Say hello",
  parameters: { who: { type: "String", default: "world" } },
  mainSteps: [
    { action: "aws:runShellScript", name: "hello", inputs: { runCommand: ["echo hello {{who}}"] } },
  ],
});

/** One line on stderr, naming the error code: what every API failure prints. */
function assertOneLineError(stderr: string, code: RegExp) {
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
  assert.match(stderr, code);
}

describe("activations", () => {
  test("create prints the id, the code and the register line; list and delete", () => {
    const created = opsflow(
      "activations",
      "create",
      "--name",
      "web",
      "--limit",
      "2",
      "--expires-in",
      "2h",
      "--tag",
      "tier=web",
    );
    assert.equal(created.code, 0, created.stderr);
    const id = /activation id:\s+(\S+)/.exec(created.stdout)?.[1] ?? "";
    const code = /activation code:\s+(\S+)/.exec(created.stdout)?.[1] ?? "";
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.match(code, /^[A-Za-z0-9]{20}$/);
    assert.ok(
      created.stdout.includes(
        `opsflow agent register --endpoint ${server.url} --activation-id ${id} --activation-code ${code}`,
      ),
      created.stdout,
    );

    const listed = opsflow("activations", "list");
    assert.match(listed.stdout, /^ID\s+NAME\s+REGISTERED\s+EXPIRES\s+TAGS/);
    assert.match(listed.stdout, new RegExp(`${id}\\s+web\\s+0/2\\s+\\S+\\s+tier=web`));
    const json = JSON.parse(opsflow("activations", "list", "--json").stdout);
    assert.ok(json.items.some((a: { activationId: string }) => a.activationId === id));

    assert.equal(opsflow("activations", "delete", id).code, 0);
    const again = opsflow("activations", "delete", id);
    assert.equal(again.code, 1);
    assertOneLineError(again.stderr, /InvalidActivationId/);
  });

  test("usage errors exit 2 before any call", () => {
    const both = opsflow(
      "activations",
      "create",
      "--expires",
      "2030-01-01T00:00:00Z",
      "--expires-in",
      "1h",
    );
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--expires or --expires-in/);
    const badTag = opsflow("activations", "create", "--tag", "novalue");
    assert.equal(badTag.code, 2);
    assert.match(opsflow("activations", "create", "--help").stdout, /--expires-in 24h/);
  });
});

describe("documents", () => {
  test("create from a file, update, show a version, list, delete", () => {
    const file = join(dir, "hello.json");
    writeFileSync(file, HELLO);
    const created = opsflow("documents", "create", "hello-cli", "--file", file);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /hello-cli\tversion 1/);

    const yaml = join(dir, "hello.yaml");
    writeFileSync(
      yaml,
      'schemaVersion: "2.2"\nmainSteps:\n  - action: aws:runShellScript\n    name: hi\n    inputs:\n      runCommand: [echo hi]\n',
    );
    const updated = opsflow(
      "documents",
      "update",
      "hello-cli",
      "--file",
      yaml,
      "--format",
      "yaml",
      "--json",
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(JSON.parse(updated.stdout).version, 2);

    assert.equal(
      opsflow("documents", "show", "hello-cli").stdout.split("\n").slice(1).join("\n"),
      `${HELLO}\n`,
    );
    assert.match(opsflow("documents", "show", "hello-cli", "--version", "2").stdout, /echo hi/);
    const list = opsflow("documents", "list", "--owner", "Self");
    assert.match(list.stdout, /^NAME\s+OWNER/);
    assert.match(list.stdout, /hello-cli\s+Self\s+Command\s+1\s+2/);
    assert.match(opsflow("documents", "list").stdout, /AWS-RunShellScript\s+Amazon/);

    const duplicate = opsflow("documents", "create", "hello-cli", "--file", file);
    assert.equal(duplicate.code, 1);
    assertOneLineError(duplicate.stderr, /DocumentAlreadyExists/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"schemaVersion":"2.2","mainSteps":"none"}');
    const invalid = opsflow("documents", "create", "bad-doc", "--file", bad);
    assert.equal(invalid.code, 2, "a 400 is invalid input (exit 2), as for every API verb");
    assertOneLineError(invalid.stderr, /InvalidDocument/);

    assert.equal(opsflow("documents", "delete", "hello-cli").code, 0);
    const gone = opsflow("documents", "show", "hello-cli", "--json");
    assert.equal(gone.code, 1);
    assert.equal(JSON.parse(gone.stdout).error.code, "InvalidDocument");
    assert.equal(opsflow("documents", "create", "x-doc").code, 2, "--file is required");
  });
});

describe("nodes", () => {
  let node: TestNode;
  before(async () => {
    node = await registerTestNode(server.url, { defaultInstanceName: "cache" });
  });

  test("list, describe, tag, untag, deregister", async () => {
    const listed = await opsflowAsync("nodes", "list");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+PING/);
    assert.match(listed.stdout, new RegExp(`${node.id}\\s+cache\\s+Online\\s+Linux\\s+test-host`));
    const described = JSON.parse(
      (await opsflowAsync("nodes", "describe", node.id, "--json")).stdout,
    );
    assert.equal(described.id, node.id);

    const tagged = await opsflowAsync("nodes", "tag", node.id, "env=prod", "team=ops");
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.equal(tagged.stdout, `${node.id}\tenv=prod,team=ops\n`);
    const filtered = await opsflowAsync("nodes", "list", "--tag", "env=prod", "--json");
    assert.deepEqual(
      JSON.parse(filtered.stdout).items.map((n: { id: string }) => n.id),
      [node.id],
    );
    const untagged = await opsflowAsync("nodes", "untag", node.id, "team");
    assert.equal(untagged.stdout, `${node.id}\tenv=prod\n`);
    assert.equal((await opsflowAsync("nodes", "tag", node.id)).code, 2, "no tags is a usage error");

    assert.equal((await opsflowAsync("nodes", "deregister", node.id)).code, 0);
    const gone = await opsflowAsync("nodes", "describe", node.id);
    assert.equal(gone.code, 1);
    assertOneLineError(gone.stderr, /InvalidInstanceId/);
    assert.equal((await node.call("/poll", { waitSeconds: 0 })).status, 401);
  });
});

describe("commands", () => {
  let a: TestNode;
  let b: TestNode;
  before(async () => {
    const activation = await rest(server.url, "POST", "/v1/activations", {
      registrationLimit: 2,
      tags: [{ Key: "app", Value: "cli" }],
    });
    a = await registerWith(
      server.url,
      activation.body.activationId,
      activation.body.activationCode,
    );
    b = await registerWith(
      server.url,
      activation.body.activationId,
      activation.body.activationCode,
    );
    await rest(server.url, "POST", "/v1/documents", { name: "hello-follow", content: HELLO });
  });

  /** Plays both nodes: polls until each has its invocation, then runs it with `results`. */
  async function playNodes(results: [TestNode, string, number][]) {
    for (const [node, stdout, exit] of results) {
      let handed: { commandId: string }[] = [];
      for (let i = 0; i < 200 && handed.length === 0; i++) {
        handed = await node.poll();
        if (handed.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const [invocation] = handed;
      await node.call(`/invocations/${invocation.commandId}/start`, {});
      // Two writes: the follower may see the first before the second.
      const half = Math.floor(stdout.length / 2);
      await node.output(invocation.commandId, "stdout", 0, stdout.slice(0, half));
      await node.output(invocation.commandId, "stdout", half, stdout.slice(half));
      await node.finish(
        invocation.commandId,
        exit === 0
          ? { status: "Success", statusDetails: "Success", responseCode: 0 }
          : { status: "Failed", statusDetails: "Failed", responseCode: exit },
      );
    }
  }

  test("send --follow streams each node's output with its id and exits 1 when one failed", async () => {
    const following = opsflowAsync(
      "commands",
      "send",
      "--document",
      "hello-follow",
      "--target",
      "tag:app=cli",
      "--parameter",
      "who=cli",
      "--comment",
      "follow me",
      "--follow",
    );
    await playNodes([
      [a, "first line\nsecond line\n", 0],
      [b, "only line\n", 7],
    ]);
    const done = await following;
    assert.equal(done.code, 1, done.stderr);
    const lines = done.stdout.trimEnd().split("\n").sort();
    assert.deepEqual(
      lines,
      [`${a.id}: first line`, `${a.id}: second line`, `${b.id}: only line`].sort(),
    );
    assert.match(done.stderr, /2\/2 done, 1 failed/);
    assert.match(done.stderr, /Failed: 2\/2 done, 1 failed/);
  });

  test("send --follow on one node prints its output as is and exits 0 on Success", async () => {
    const following = opsflowAsync(
      "commands",
      "send",
      "--document",
      "hello-follow",
      "--instance-ids",
      a.id,
      "--follow",
    );
    await playNodes([[a, "plain output\nno newline at the end", 0]]);
    const done = await following;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, "plain output\nno newline at the end");
    // No progress lines for one node: only what was sent and how it ended.
    assert.deepEqual(
      done.stderr
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/[0-9a-f-]{36}/, "ID")),
      ["command ID sent to 1 node(s)", "Success: 1/1 done, 0 failed"],
    );
  });

  test("send, list, show, output (full, past 24,000 characters) and cancel", async () => {
    const sent = await opsflowAsync(
      "commands",
      "send",
      "--document",
      "hello-follow",
      "--instance-ids",
      `${a.id},${b.id}`,
    );
    assert.equal(sent.code, 0, sent.stderr);
    const id = sent.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const long = `${"0123456789".repeat(3000)}\nend\n`;
    await playNodes([[a, long, 0]]);

    const output = await opsflowAsync("commands", "output", id, a.id);
    assert.equal(output.code, 0, output.stderr);
    assert.equal(output.stdout, long);
    const asJson = JSON.parse(
      (await opsflowAsync("commands", "output", id, a.id, "--json")).stdout,
    );
    assert.equal(asJson.output, long);
    assert.equal(
      (await opsflowAsync("commands", "output", id, a.id, "--stream", "stderr")).stdout,
      "",
    );

    const shown = await opsflowAsync("commands", "show", id);
    assert.match(shown.stdout, new RegExp(`${a.id}\\s+Success\\s+Success\\s+0`));
    assert.match(shown.stdout, new RegExp(`${b.id}\\s+Pending`));
    const listed = await opsflowAsync("commands", "list", "--instance-id", b.id);
    assert.match(listed.stdout, new RegExp(`${id}\\s+hello-follow\\s+InProgress\\s+1/2`));

    const cancelled = await opsflowAsync("commands", "cancel", id, b.id);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const after = JSON.parse((await opsflowAsync("commands", "show", id, "--json")).stdout);
    assert.equal(
      after.invocations.find((i: { instanceId: string }) => i.instanceId === b.id).status,
      "Cancelled",
    );
  });

  test("bad sends: usage errors exit 2, API errors print one line", async () => {
    const neither = await opsflowAsync("commands", "send", "--document", "hello-follow");
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--instance-ids or --target/);
    const noDoc = await opsflowAsync("commands", "send", "--instance-ids", a.id);
    assert.equal(noDoc.code, 2);
    const unknown = await opsflowAsync(
      "commands",
      "send",
      "--document",
      "no-such",
      "--instance-ids",
      a.id,
    );
    assert.equal(unknown.code, 1);
    assertOneLineError(unknown.stderr, /InvalidDocument/);
    const missing = await opsflowAsync(
      "commands",
      "show",
      "00000000-0000-4000-8000-000000000000",
      "--json",
    );
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.stdout).error.code, "InvalidCommandId");
    assert.match((await opsflowAsync("commands", "send", "--help")).stdout, /--follow/);
  });
});
