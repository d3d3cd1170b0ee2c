import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { eventually, type ServerProcess, startServerProcess } from "../server/harness.js";
import { runCli, serverEnv } from "./helpers.js";

let server: ServerProcess;
const dir = mkdtempSync(join(tmpdir(), "opsflow-verbs-"));

before(async () => {
  server = await startServerProcess();
});
after(async () => server?.stop());

const opsflow = (...args: string[]) => runCli(args, serverEnv(server.url));

test("the CLI drives the server: functions, state machines, executions, history", async () => {
  const code = join(dir, "fn");
  writeFileSync(
    join(dir, "definition.yaml"),
    "StartAt: Greet\nStates:\n  Greet:\n    Type: Task\n    Resource: ${GreetArn}\n    End: true\n",
  );
  spawnSync("mkdir", ["-p", code]);
  writeFileSync(
    join(code, "index.mjs"),
    "export const handler = async (e) => ({ greeting: `hello ${e.who}` });",
  );

  const deployed = opsflow(
    "functions",
    "deploy",
    "greet",
    "--dir",
    code,
    "--runtime",
    "nodejs",
    "--json",
  );
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.equal(JSON.parse(deployed.stdout).version, 1);
  assert.match(opsflow("functions", "list").stdout, /greet\tnodejs\tversion 1/);
  assert.deepEqual(
    JSON.parse(opsflow("functions", "invoke", "greet", "--event", '{"who":"ops"}', "--json").stdout)
      .payload,
    { greeting: "hello ops" },
  );

  const created = opsflow(
    "state-machines",
    "create",
    "greeter",
    "--definition",
    join(dir, "definition.yaml"),
    "--substitute",
    "GreetArn=arn:aws:lambda:us-east-1:123456789012:function:greet",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /stateMachine:greeter/);
  assert.match(opsflow("state-machines", "list").stdout, /greeter\tSTANDARD/);

  const started = opsflow("executions", "start", "greeter", "--input", '{"who":"world"}');
  assert.equal(started.code, 0, started.stderr);
  const arn = started.stdout.trim();
  const done = await eventually(async () => {
    const described = JSON.parse(opsflow("executions", "describe", arn, "--json").stdout);
    return described.status === "RUNNING" ? undefined : described;
  });
  assert.deepEqual(done.output, { greeting: "hello world" });
  assert.match(opsflow("executions", "history", arn).stdout, /LambdaFunctionSucceeded/);
  assert.match(
    opsflow("executions", "list", "greeter", "--status", "succeeded").stdout,
    /SUCCEEDED/,
  );
});

test("API errors: exit codes and messages that say what to do", () => {
  const missing = opsflow(
    "executions",
    "describe",
    "arn:aws:states:us-east-1:123456789012:execution:none:none",
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ExecutionDoesNotExist/);
  const invalid = opsflow(
    "state-machines",
    "create",
    "bad",
    "--definition",
    join(dir, "definition.yaml"),
  );
  assert.equal(invalid.code, 2, "an invalid definition is a client error");
  assert.match(invalid.stderr, /InvalidDefinition/);
  const unknownToken = opsflow(
    "tasks",
    "send-success",
    "00000000-0000-4000-8000-000000000000",
    "--output",
    "{}",
  );
  assert.equal(unknownToken.code, 1);
  assert.match(unknownToken.stderr, /TaskDoesNotExist/);
  const noServer = runCli([
    "state-machines",
    "list",
    "--endpoint",
    "http://127.0.0.1:9",
    "--token",
    "x",
  ]);
  assert.equal(noServer.code, 1);
  assert.match(noServer.stderr, /Is 'opsflow server' running\?/);
  assert.match(opsflow("executions", "start", "--help").stdout, /Usage: opsflow executions start/);
});
