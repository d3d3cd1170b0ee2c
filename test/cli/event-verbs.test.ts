/** The event bus CLI verbs against a real server: rules, targets, events, pattern tests. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually, rest, type ServerProcess, startServerProcess } from "../server/harness.js";
import { runCli, serverEnv } from "./helpers.js";

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(async () => server?.stop());

const opsflow = (...args: string[]) => runCli(args, serverEnv(server.url));

test("rules, targets and events from the command line start a workflow", async () => {
  const machine = await rest(server.url, "POST", "/v1/state-machines", {
    name: "cli-target",
    definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
  });
  assert.equal(machine.status, 201, JSON.stringify(machine.body));
  const arn = machine.body.stateMachineArn as string;

  const put = opsflow("rules", "put", "cli-rule", "--pattern", '{"source":["cli"]}');
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stdout, /rule\/cli-rule/);
  const bad = opsflow("rules", "put", "cli-bad", "--pattern", '{"source":"x"}');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /InvalidEventPatternException/);
  assert.match(opsflow("rules", "list").stdout, /cli-rule\tENABLED/);
  assert.match(opsflow("rules", "describe", "cli-rule").stdout, /cli-rule/);

  const target = opsflow(
    "targets",
    "put",
    "cli-rule",
    "--id",
    "wf",
    "--arn",
    arn,
    "--transformer",
    '{"InputPathsMap":{"h":"$.detail.host"},"InputTemplate":"{\\"host\\": <h>}"}',
  );
  assert.equal(target.code, 0, target.stderr);
  assert.match(opsflow("targets", "list", "cli-rule").stdout, /^wf\t/);

  const event = opsflow(
    "events",
    "put",
    "--source",
    "cli",
    "--detail-type",
    "t",
    "--detail",
    '{"host":"db-1"}',
  );
  assert.equal(event.code, 0, event.stderr);
  assert.match(event.stdout, /^[0-9a-f-]{36}\n$/);
  const started = await eventually(async () => {
    const list = await rest(server.url, "GET", `/v1/state-machines/cli-target/executions`);
    return list.body.items?.length > 0 ? list.body.items[0] : undefined;
  });
  const execution = await rest(
    server.url,
    "GET",
    `/v1/executions/${encodeURIComponent(started.executionArn)}`,
  );
  assert.deepEqual(execution.body.input, { host: "db-1" });

  const pattern = '{"detail":{"host":["db-1"]}}';
  const match = opsflow(
    "rules",
    "test-pattern",
    "--pattern",
    pattern,
    "--event",
    '{"detail":{"host":"db-1"}}',
  );
  assert.equal(match.code, 0, match.stderr);
  assert.equal(match.stdout, "match\n");
  const miss = opsflow(
    "rules",
    "test-pattern",
    "--pattern",
    pattern,
    "--event",
    '{"detail":{"host":"x"}}',
  );
  assert.equal(miss.code, 1);

  assert.equal(opsflow("rules", "delete", "cli-rule").code, 2, "has targets");
  assert.equal(opsflow("targets", "remove", "cli-rule", "wf").code, 0);
  assert.equal(opsflow("rules", "delete", "cli-rule").code, 0);
  assert.equal(opsflow("rules", "describe", "cli-rule").code, 1);
});
