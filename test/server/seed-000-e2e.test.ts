/**
 * Seed 000 end to end (issue 6): the fork's incident auto-remediation state machine, started
 * by the fork README's rule on an AWS Config compliance-change event, runs the example
 * functions of examples/seed-000 against a real in-process server: an opsflow incident is
 * opened, SSH is revoked on the security group (kept by a stand-in for the cloud's API at its
 * HTTP boundary), the incident is resolved, and `sns:publish` mails the operations team
 * through a real SMTP server.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { EXAMPLE_GROUP, type FakeEc2, startFakeEc2 } from "../../examples/seed-000/fake-ec2.js";
import { deploySeed000, type Seed000Deployment } from "../../examples/seed-000/setup.js";
import type { RunningServer } from "../../src/server/compose.js";
import { call, startSmtp, until } from "../ops/helpers.js";
import { ADMIN, sdkConfig } from "./harness.js";
import {
  assertSameFiles,
  confirmSubscription,
  endedExecution,
  startSeedServer,
} from "./seed-helpers.js";

const SEED = new URL(
  "../../../shared/seed-workflows/000-incident-auto-remediation/",
  import.meta.url,
);
const EXAMPLE = new URL("../../examples/seed-000/", import.meta.url);
const OPS = "ops@example.com";

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let cloud: FakeEc2;
let deployed: Seed000Deployment;
let states: sfn.SFNClient;

/**
 * The seed's synthetic Config event (changed by `mutate`) on the default bus. `aws.` sources
 * are reserved to the platform (a client's PutEvents is refused, as on AWS), so it enters the
 * way opsflow's own services put events, standing in for AWS Config.
 */
async function complianceChange(mutate: (detail: Record<string, unknown>) => void = () => {}) {
  const example = JSON.parse(
    readFileSync(new URL("example-event.config-compliance-change.SYNTHETIC.json", SEED), "utf8"),
  );
  mutate(example.detail);
  const put = await server.events.putEvents(
    [
      {
        Source: example.source,
        DetailType: example["detail-type"],
        Detail: JSON.stringify(example.detail),
        Resources: example.resources,
      },
    ],
    { allowReservedSources: true },
  );
  assert.equal(put.FailedEntryCount, 0, JSON.stringify(put.Entries));
  return example.detail as { resourceId: string };
}

/** The ended execution the rule started for the resource `resourceId`. */
const executionFor = (resourceId: string) =>
  endedExecution(
    states,
    deployed.stateMachineArn,
    (input) => input.detail?.resourceId === resourceId,
  );

const incidentsOf = async (resourceId: string) =>
  (
    await call(
      server.url,
      "GET",
      `/v1/incidents?dedupKey=${encodeURIComponent(`config/restricted-ssh/${resourceId}`)}`,
    )
  ).body.items;

before(async () => {
  smtp = await startSmtp();
  cloud = await startFakeEc2([EXAMPLE_GROUP]);
  server = await startSeedServer(smtp);
  states = new sfn.SFNClient(sdkConfig(server.url));
  deployed = await deploySeed000({
    endpoint: server.url,
    adminToken: ADMIN.token,
    cloudApiUrl: cloud.url,
    operationsEmail: OPS,
  });
  await confirmSubscription(smtp, OPS);
});
after(async () => {
  states?.destroy();
  await server?.close();
  await smtp?.close();
  await cloud?.close();
});

describe("seed 000 end to end: incident auto-remediation", () => {
  test("the example deploys the fork's definition and the README's rule pattern, unchanged", () => {
    assertSameFiles([
      [
        new URL("statemachine.asl.json", EXAMPLE),
        new URL("statemachine.forks-only-variant.extracted.asl.json", SEED),
      ],
      [
        new URL("rule-pattern.json", EXAMPLE),
        new URL("eventbridge-rule-pattern.forks-only-readme.json", SEED),
      ],
    ]);
  });

  test("NON_COMPLIANT: incident opened, SSH revoked, incident resolved, operations mailed", async () => {
    const { resourceId } = await complianceChange();
    const execution = await executionFor(resourceId);
    assert.equal(execution.status, "SUCCEEDED", JSON.stringify(execution));
    // No ResultPath on the publish step: the output is Step Functions' SNS result.
    const output = JSON.parse(execution.output as string);
    assert.match(output.MessageId, /^[0-9a-f-]{36}$/);

    // The security group no longer lets the world (nor anyone) in on 22; HTTPS is untouched.
    const group = cloud.groups.get(resourceId);
    assert.ok(group);
    assert.ok(
      !group.IpPermissions.some(
        (p) =>
          p.IpProtocol === "tcp" &&
          (p.FromPort ?? 0) <= 22 &&
          22 <= (p.ToPort ?? 65535) &&
          p.IpRanges.some((r) => r.CidrIp === "0.0.0.0/0"),
      ),
      JSON.stringify(group),
    );
    assert.deepEqual(group.IpPermissions, [EXAMPLE_GROUP.IpPermissions[1]]);
    assert.deepEqual(
      cloud.calls.map((c) => c.Action),
      ["DescribeSecurityGroups", "RevokeSecurityGroupIngress"],
    );

    // One incident, opened and resolved by the remediator, with the source event.
    const [incident] = await incidentsOf(resourceId);
    assert.ok(incident, "no incident");
    const full = (await call(server.url, "GET", `/v1/incidents/${incident.id}`)).body;
    assert.equal(full.status, "resolved");
    assert.equal(full.severity, "high");
    assert.match(full.title, /restricted-ssh: AWS::EC2::SecurityGroup sg-0123456789abcdef0/);
    assert.match(full.resolution, /Revoked SSH \(tcp\/22\) ingress on sg-\w+ from 0\.0\.0\.0\/0/);
    assert.equal(full.sourceEvent.source, "aws.config");
    const timeline: { kind: string; actor: string; data?: unknown }[] = full.timeline;
    assert.equal(timeline[0].kind, "opened", JSON.stringify(timeline));
    assert.ok(
      timeline.some((e) => e.kind === "status" && JSON.stringify(e.data).includes('"resolved"')),
      JSON.stringify(timeline),
    );
    assert.ok(
      timeline.every((e) => e.actor === deployed.remediator),
      JSON.stringify(timeline),
    );

    // The operations team gets the email-specific text of the MessageStructure=json message.
    const mail = await until(() =>
      smtp.mails.find((m) => m.to.includes(OPS) && m.text.includes(incident.id)),
    );
    assert.match(mail.text, /^Hello operations team,/);
    assert.match(
      mail.text,
      new RegExp(
        `Incident ${incident.id} for AWS::EC2::SecurityGroup ${resourceId} was remediated`,
      ),
    );
  });

  test("COMPLIANT: NoActionRequired, nothing opened, the cloud untouched", async () => {
    const before = cloud.calls.length;
    const { resourceId } = await complianceChange((detail) => {
      detail.resourceId = "sg-compliant00000000";
      (detail.newEvaluationResult as { complianceType: string }).complianceType = "COMPLIANT";
    });
    const execution = await executionFor(resourceId);
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(cloud.calls.length, before);
    assert.deepEqual(await incidentsOf(resourceId), []);
  });

  test("an unknown group: ClientError is not HandledError, so the execution fails and the incident stays open (as upstream)", async () => {
    const { resourceId } = await complianceChange((detail) => {
      detail.resourceId = "sg-doesnotexist0000";
    });
    const execution = await executionFor(resourceId);
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "ClientError");
    assert.match(execution.cause ?? "", /InvalidGroup\.NotFound/);
    const [incident] = await incidentsOf(resourceId);
    assert.equal(incident.status, "open");
  });

  test("the upstream definition instead reproduces its topic bug: remediated, then the publish fails", async () => {
    // Upstream hard-codes EvaluateRequest's ARN (opsflow resolves a Lambda ARN by function
    // name) and leaves the literal `${Ref StepFunctionsStateMachine}` as the topic.
    assert.equal(
      (
        await call(server.url, "POST", "/v1/functions", {
          name: "EvaluateRequest",
          runtime: "nodejs",
          files: {
            "index.mjs": readFileSync(
              new URL("functions/evaluate-request/index.mjs", EXAMPLE),
            ).toString("base64"),
          },
        })
      ).status,
      201,
    );
    const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:seed-000-${name}`;
    const created = await call(server.url, "POST", "/v1/state-machines", {
      name: "seed-000-upstream",
      definition: readFileSync(new URL("statemachine.extracted.asl.json", SEED), "utf8"),
      definitionSubstitutions: {
        "OpenIncident.Arn": fn("open-incident"),
        "ResolveIncident.Arn": fn("resolve-incident"),
        "PrepareMessage.Arn": fn("prepare-message"),
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const resourceId = "sg-upstream000000000";
    cloud.groups.set(resourceId, { ...structuredClone(EXAMPLE_GROUP), GroupId: resourceId });
    const event = JSON.parse(
      readFileSync(new URL("example-event.config-compliance-change.SYNTHETIC.json", SEED), "utf8"),
    );
    event.detail.resourceId = resourceId;
    const { executionArn } = await states.send(
      new sfn.StartExecutionCommand({
        stateMachineArn: created.body.stateMachineArn,
        input: JSON.stringify(event),
      }),
    );
    const execution = await until(async () => {
      const described = await states.send(new sfn.DescribeExecutionCommand({ executionArn }));
      return described.status === "RUNNING" ? undefined : described;
    }, 30_000);
    assert.equal(execution.status, "FAILED");
    assert.match(execution.error ?? "", /^SNS\./, execution.cause);
    assert.match(execution.cause ?? "", /Ref StepFunctionsStateMachine/);
    assert.equal(cloud.groups.get(resourceId)?.IpPermissions.length, 1);
    const [incident] = await incidentsOf(resourceId);
    assert.equal(incident.status, "resolved");
  });
});
