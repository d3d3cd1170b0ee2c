/** The identity CLI verbs against a real server: users, access keys, tokens, audit lookup. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { awsAs } from "../server/auth-helpers.js";
import { type ServerProcess, startServerProcess } from "../server/harness.js";
import { runCli, serverEnv } from "./helpers.js";

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(async () => server?.stop());

const opsflow = (...args: string[]) => runCli(args, serverEnv(server.url));

test("users, access keys, tokens and the audit trail from the command line", async () => {
  const created = opsflow("users", "create", "olga", "--password", "a long enough password");
  assert.equal(created.code, 0, created.stderr);
  assert.equal(opsflow("users", "grant-role", "olga", "operator").code, 0);
  assert.match(opsflow("users", "list").stdout, /^olga\toperator\t-/m);
  const badRole = opsflow("users", "grant-role", "olga", "root");
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /ValidationException/);
  const policy = opsflow(
    "users",
    "put-policy",
    "olga",
    "no-delete",
    "--document",
    '{"Statement":{"Effect":"Deny","Action":"states:Delete*","Resource":"*"}}',
  );
  assert.equal(policy.code, 0, policy.stderr);
  assert.match(opsflow("users", "describe", "olga").stdout, /no-delete/);
  assert.equal(opsflow("users", "set-email", "olga", "olga@corp.example").code, 0);
  assert.match(opsflow("users", "describe", "olga").stdout, /"email": "olga@corp.example"/);
  const badEmail = opsflow("users", "set-email", "olga", "olga at corp");
  assert.equal(badEmail.code, 2);
  assert.match(badEmail.stderr, /not an email address/);
  assert.equal(opsflow("users", "clear-email", "olga").code, 0);
  assert.doesNotMatch(opsflow("users", "describe", "olga").stdout, /email/);

  const key = opsflow("access-keys", "create", "olga", "--json");
  assert.equal(key.code, 0, key.stderr);
  const pair = JSON.parse(key.stdout) as { accessKeyId: string; secretAccessKey: string };
  assert.equal((await awsAs(server.url, pair, "states", "ListStateMachines")).status, 200);
  assert.match(
    opsflow("access-keys", "list", "olga").stdout,
    new RegExp(`^${pair.accessKeyId}\\tActive\\t.*\\tstates\\tus-east-1$`, "m"),
  );
  assert.equal(opsflow("access-keys", "deactivate", "olga", pair.accessKeyId).code, 0);
  assert.match(opsflow("access-keys", "list", "olga").stdout, /\tInactive\t/);
  const refused = await awsAs(server.url, pair, "states", "ListStateMachines");
  assert.match(refused.json.__type, /UnrecognizedClientException/);
  assert.equal(opsflow("access-keys", "delete", "olga", pair.accessKeyId).code, 0);
  assert.equal(opsflow("access-keys", "list", "olga").stdout.trim(), "");

  const token = opsflow("tokens", "create", "olga", "--description", "ci");
  assert.equal(token.code, 0, token.stderr);
  const value = /token: (opsf_\w+)/.exec(token.stdout)?.[1];
  assert.ok(value, token.stdout);
  const asOlga = runCli(["users", "list"], serverEnv(server.url, value));
  assert.equal(asOlga.code, 1);
  assert.match(asOlga.stderr, /AccessDeniedException/);

  const lookup = opsflow("audit", "lookup", "--user", "olga", "--action", "iam:ListUsers");
  assert.equal(lookup.code, 0, lookup.stderr);
  assert.match(lookup.stdout, /\tolga\t[\w-]+\tiam:ListUsers\tDenied:AccessDeniedException\t/);
  const paged = opsflow("audit", "lookup", "--limit", "1");
  assert.match(paged.stdout, /next token: \S+/);
  const badTime = opsflow("audit", "lookup", "--start-time", "yesterday");
  assert.equal(badTime.code, 2);
});
