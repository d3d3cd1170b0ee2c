/**
 * Tag-based access on a real server: a policy allows starting and describing executions only
 * of state machines tagged for the user's team, through the AWS endpoint and REST alike; a
 * Deny conditioned on the source address refuses the same user from elsewhere.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { awsAs, makeUser, restAs } from "./auth-helpers.js";
import { rest, type ServerProcess, startServerProcess } from "./harness.js";

let server: ServerProcess;
const M = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const definition = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });

before(async () => {
  server = await startServerProcess();
  for (const [name, team] of [
    ["pay-refund", "payments"],
    ["infra-reboot", "infra"],
  ])
    assert.equal(
      (
        await rest(server.url, "POST", "/v1/state-machines", {
          name,
          definition,
          tags: { team },
        })
      ).status,
      201,
    );
});
after(async () => server?.stop());

const teamPolicy = {
  Statement: [
    { Effect: "Allow", Action: "states:List*", Resource: "*" },
    {
      Effect: "Allow",
      Action: ["states:StartExecution", "states:DescribeExecution"],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/team": "payments" } },
    },
  ],
};

test("a tag condition scopes what a user may start and read", async () => {
  const user = await makeUser(server.url, "pat", []);
  const put = await rest(server.url, "PUT", "/v1/users/pat/policies/team", {
    document: teamPolicy,
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));

  const started = await awsAs(server.url, user.key, "states", "StartExecution", {
    stateMachineArn: `${M}pay-refund`,
  });
  assert.equal(started.status, 200, started.text);
  const described = await awsAs(server.url, user.key, "states", "DescribeExecution", {
    executionArn: started.json.executionArn,
  });
  assert.equal(described.status, 200, described.text);

  const refused = await awsAs(server.url, user.key, "states", "StartExecution", {
    stateMachineArn: `${M}infra-reboot`,
  });
  assert.equal(refused.status, 400);
  assert.match(refused.json.__type, /AccessDeniedException/);
  const viaRest = await restAs(
    server.url,
    user.token,
    "POST",
    "/v1/state-machines/infra-reboot/executions",
    {
      input: {},
    },
  );
  assert.equal(viaRest.status, 403);

  // Retagging the machine changes the answer: tags are read at each request.
  const adminRun = await rest(server.url, "POST", "/v1/state-machines/infra-reboot/executions", {});
  assert.equal(adminRun.status, 201);
  const hidden = await awsAs(server.url, user.key, "states", "DescribeExecution", {
    executionArn: adminRun.body.executionArn,
  });
  assert.match(hidden.json.__type, /AccessDeniedException/);
  const audit = await rest(
    server.url,
    "GET",
    "/v1/audit/events?user=pat&action=states:StartExecution",
  );
  assert.ok(audit.body.items.some((e: { outcome: string }) => e.outcome === "Denied"));
});

test("a Deny conditioned on the source address refuses callers from elsewhere", async () => {
  const user = await makeUser(server.url, "remy", ["operator"]);
  const fence = {
    Statement: {
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
    },
  };
  assert.equal((await awsAs(server.url, user.key, "states", "ListStateMachines")).status, 200);
  assert.equal(
    (await rest(server.url, "PUT", "/v1/users/remy/policies/fence", { document: fence })).status,
    200,
  );
  const denied = await awsAs(server.url, user.key, "states", "ListStateMachines");
  assert.match(denied.json.__type, /AccessDeniedException/);
  assert.match(denied.json.message, /explicit deny/);
});

test("a policy with an unsupported condition is refused and not stored", async () => {
  await makeUser(server.url, "quinn", []);
  const bad = await rest(server.url, "PUT", "/v1/users/quinn/policies/odd", {
    document: {
      Statement: {
        Effect: "Allow",
        Action: "*",
        Resource: "*",
        Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
      },
    },
  });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /Condition\/DateLessThan: unsupported operator/);
  assert.deepEqual((await rest(server.url, "GET", "/v1/users/quinn")).body.policies, []);
});
