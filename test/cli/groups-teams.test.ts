/** The groups and teams CLI verbs against a real server. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { rest, type ServerProcess, startServerProcess } from "../server/harness.js";
import { runCli, serverEnv } from "./helpers.js";

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
  assert.equal((await rest(server.url, "POST", "/v1/users", { name: "uma" })).status, 201);
});
after(async () => server?.stop());

const opsflow = (...args: string[]) => runCli(args, serverEnv(server.url));

test("groups: create, add a member, grant a role, attach a policy, describe, remove, delete", async () => {
  assert.equal(opsflow("groups", "create", "oncall").code, 0);
  assert.equal(opsflow("groups", "add-member", "oncall", "uma").code, 0);
  assert.equal(opsflow("groups", "grant-role", "oncall", "operator").code, 0);
  const attached = opsflow(
    "groups",
    "attach-policy",
    "oncall",
    "no-delete",
    "--document",
    '{"Statement":{"Effect":"Deny","Action":"states:Delete*","Resource":"*"}}',
  );
  assert.equal(attached.code, 0, attached.stderr);
  assert.match(opsflow("groups", "list").stdout, /^oncall\toperator\tuma$/m);
  const described = JSON.parse(opsflow("groups", "describe", "oncall", "--json").stdout);
  assert.deepEqual(
    { members: described.members, roles: described.roles, policies: described.policies },
    { members: ["uma"], roles: ["operator"], policies: ["no-delete"] },
  );
  const badPolicy = opsflow("groups", "attach-policy", "oncall", "p", "--document", "{nope");
  assert.equal(badPolicy.code, 2);
  assert.equal(opsflow("groups", "remove-member", "oncall", "uma").code, 0);
  assert.equal(opsflow("groups", "delete", "oncall").code, 0);
  assert.equal((await rest(server.url, "GET", "/v1/groups/oncall")).status, 404);
});

test("teams: create with quotas, members, set-quota, usage, delete", async () => {
  const created = opsflow("teams", "create", "payments", "--concurrent-executions", "5");
  assert.equal(created.code, 0, created.stderr);
  assert.equal(opsflow("teams", "add-member", "payments", "uma").code, 0);
  const set = opsflow(
    "teams",
    "set-quota",
    "payments",
    "--executions-per-day",
    "100",
    "--units",
    "provisioning-cost=40",
  );
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /concurrent=5 per-day=100 provisioning-cost=40/);
  assert.match(opsflow("teams", "list").stdout, /^payments\t.*\tuma$/m);
  const usage = opsflow("teams", "usage", "payments");
  assert.equal(usage.code, 0, usage.stderr);
  assert.match(usage.stdout, /^0\t5\trunning executions$/m);
  assert.match(usage.stdout, /^0\t40\tprovisioning-cost on \d{4}-\d\d-\d\d$/m);
  const json = JSON.parse(opsflow("teams", "usage", "payments", "--json").stdout);
  assert.equal(json.runningExecutions, 0);
  const bad = opsflow("teams", "set-quota", "payments", "--concurrent-executions", "many");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /whole number/);
  assert.equal(
    opsflow("teams", "set-quota", "payments", "--concurrent-executions", "none").code,
    0,
  );
  assert.doesNotMatch(
    JSON.stringify(JSON.parse(opsflow("teams", "describe", "payments", "--json").stdout).quotas),
    /concurrentExecutions/,
  );
  assert.equal(opsflow("teams", "remove-member", "payments", "uma").code, 0);
  assert.equal(opsflow("teams", "delete", "payments").code, 0);
  assert.equal(opsflow("teams", "describe", "payments").code === 0, false);
});
