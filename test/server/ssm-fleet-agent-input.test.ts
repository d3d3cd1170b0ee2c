/**
 * What the agent endpoint does with bad input: a node acting on another node's invocation, a
 * forged or stale signature, malformed bodies, a wrong activation code or key, output past the
 * limit. Each gets a clear error and changes nothing (or, for output, keeps what fits).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import {
  AGENT_DATE_HEADER,
  AGENT_PATH,
  authorizationHeader,
  stringToSign,
} from "../../src/fleet/protocol.js";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { LINUX_INFO, registerNode, type TestNode } from "./ssm-fleet-node.js";

const OUTPUT_LIMIT = 1000;

describe("the agent endpoint refuses bad input", () => {
  let server: ServerProcess;
  let client: ssm.SSMClient;
  let activation: { id: string; code: string };
  let a: TestNode;
  let b: TestNode;
  let commandId: string;

  before(async () => {
    server = await startServerProcess(undefined, 0, {
      OPSFLOW_COMMAND_OUTPUT_LIMIT: String(OUTPUT_LIMIT),
    });
    client = new ssm.SSMClient(sdkConfig(server.url));
    const created = await client.send(
      new ssm.CreateActivationCommand({ IamRole: "r", RegistrationLimit: 3 }),
    );
    activation = { id: created.ActivationId as string, code: created.ActivationCode as string };
    a = await registerNode(server.url, activation);
    b = await registerNode(server.url, activation);
    const sent = await client.send(
      new ssm.SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [a.id],
        Parameters: { commands: ["id"] },
      }),
    );
    commandId = sent.Command?.CommandId as string;
  });
  after(async () => {
    client.destroy();
    await server.stop();
  });

  const invocation = () =>
    client.send(new ssm.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: a.id }));

  test("a node cannot start, write to or finish another node's invocation", async () => {
    assert.equal((await b.call(`/invocations/${commandId}/start`, {})).status, 403);
    assert.equal(
      (
        await b.callRaw(
          `/invocations/${commandId}/output?stream=stdout&offset=0`,
          Buffer.from("forged"),
        )
      ).status,
      403,
    );
    const finish = await b.call(`/invocations/${commandId}/finish`, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.equal(finish.status, 403);
    assert.match(JSON.stringify(finish.body), /was not sent to/);
    const inv = await invocation();
    assert.equal(inv.Status, "Pending");
    assert.equal(inv.StandardOutputContent, "");
  });

  test("a forged signature, a stale date and an unsigned call are refused (401) and audited", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const call = async (date: string, key = privateKey, signed = true) => {
      const path = `${AGENT_PATH}/poll`;
      const body = Buffer.from(JSON.stringify({ waitSeconds: 0 }));
      const signature = sign(
        null,
        Buffer.from(stringToSign("POST", path, date, body)),
        key,
      ).toString("base64");
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: {
          ...(signed && { authorization: authorizationHeader(a.id, signature) }),
          [AGENT_DATE_HEADER]: date,
        },
        body,
      });
      return { status: response.status, body: (await response.json()) as { message: string } };
    };
    const forged = await call(new Date().toISOString());
    assert.equal(forged.status, 401);
    assert.match(forged.body.message, /signature does not match/);
    assert.equal((await call(new Date(Date.now() - 10 * 60_000).toISOString())).status, 401);
    assert.equal((await call(new Date().toISOString(), privateKey, false)).status, 401);
    const audit = await rest(server.url, "GET", "/v1/audit/events?action=ssm:AgentPoll");
    assert.ok(audit.body.items.length >= 3, JSON.stringify(audit.body));
    assert.equal(audit.body.items[0].outcome, "Denied");
  });

  test("malformed bodies and parameters are refused with what was expected", async () => {
    const poll = await a.callRaw("/poll", Buffer.from("{not json"));
    assert.equal(poll.status, 400);
    assert.match(JSON.stringify(poll.body), /JSON object/);
    const finish = await a.call(`/invocations/${commandId}/finish`, {
      status: "Done",
      responseCode: "zero",
    });
    assert.equal(finish.status, 400);
    assert.equal(
      (
        await a.callRaw(
          `/invocations/${commandId}/output?stream=stdout&offset=-5`,
          Buffer.from("x"),
        )
      ).status,
      400,
    );
    assert.equal(
      (await a.callRaw(`/invocations/${commandId}/output?stream=logs&offset=0`, Buffer.from("x")))
        .status,
      400,
    );
    assert.equal((await a.call("/invocations/not-a-command/start", {})).status, 400);
    const info = await a.call("/poll", {
      waitSeconds: 0,
      info: { ...LINUX_INFO, platformType: "Amiga" },
    });
    assert.equal(info.status, 400);
    assert.equal((await invocation()).Status, "Pending");
  });

  test("registration with a wrong code or a key that is not Ed25519 is refused and registers nothing", async () => {
    const before = (await client.send(new ssm.DescribeActivationsCommand({}))).ActivationList?.[0]
      ?.RegistrationsCount;
    await assert.rejects(
      registerNode(server.url, { id: activation.id, code: "wrong-code-0000000000" }),
      /InvalidActivation/,
    );
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const response = await fetch(`${server.url}${AGENT_PATH}/register`, {
      method: "POST",
      body: JSON.stringify({
        activationId: activation.id,
        activationCode: activation.code,
        publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
        info: LINUX_INFO,
      }),
    });
    assert.equal(response.status, 400);
    assert.match(JSON.stringify(await response.json()), /Ed25519/);
    const afterCount = (await client.send(new ssm.DescribeActivationsCommand({})))
      .ActivationList?.[0]?.RegistrationsCount;
    assert.equal(afterCount, before);
  });

  test("output past the limit is kept up to the limit and the rest dropped", async () => {
    const poll = await a.call("/poll", { waitSeconds: 0 });
    assert.equal(poll.status, 200);
    assert.equal((await a.call(`/invocations/${commandId}/start`, {})).status, 200);
    const big = Buffer.alloc(5 * OUTPUT_LIMIT, "y");
    const stored = await a.callRaw(`/invocations/${commandId}/output?stream=stdout&offset=0`, big);
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body, { size: OUTPUT_LIMIT, truncated: true });
    await a.call(`/invocations/${commandId}/finish`, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    const inv = await invocation();
    assert.equal(inv.StandardOutputContent?.length, OUTPUT_LIMIT);
  });

  test("a finish report carries small output inline; one that starts past what the server holds is refused", async () => {
    const sent = await client.send(
      new ssm.SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [b.id],
        Parameters: { commands: ["id"] },
      }),
    );
    const id = sent.Command?.CommandId as string;
    await b.call("/poll", { waitSeconds: 0 });
    await b.call(`/invocations/${id}/start`, {});
    const report = { status: "Success", statusDetails: "Success", responseCode: 0 };
    const gap = await b.call(`/invocations/${id}/finish`, {
      ...report,
      output: { stdout: { offset: 10, data: Buffer.from("tail").toString("base64") } },
    });
    assert.equal(gap.status, 409);
    assert.match(JSON.stringify(gap.body), /holds 0 bytes of stdout/);
    const pending = await client.send(
      new ssm.GetCommandInvocationCommand({ CommandId: id, InstanceId: b.id }),
    );
    assert.equal(pending.Status, "InProgress");
    const done = await b.call(`/invocations/${id}/finish`, {
      ...report,
      output: {
        stdout: { offset: 0, data: Buffer.from("uid=0(root)\n").toString("base64") },
        stderr: { offset: 0, data: Buffer.from("warning\n").toString("base64") },
      },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const inv = await client.send(
      new ssm.GetCommandInvocationCommand({ CommandId: id, InstanceId: b.id }),
    );
    assert.equal(inv.Status, "Success");
    assert.equal(inv.StandardOutputContent, "uid=0(root)\n");
    assert.equal(inv.StandardErrorContent, "warning\n");
    const tooBig = await b.call(`/invocations/${id}/finish`, {
      ...report,
      output: { stdout: { offset: 0, data: Buffer.alloc(70_000).toString("base64") } },
    });
    assert.equal(tooBig.status, 400);
  });
});
