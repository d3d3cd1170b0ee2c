/**
 * Deploys seed 000 (incident auto-remediation) onto an opsflow server: a least-privilege
 * remediator user with an API token, the operations topic (optionally with an email
 * subscription), the four functions of ./functions (the token, the server's URL and the
 * cloud API's URL in their environment), the fork's state machine with its placeholders
 * substituted, and the fork README's rule starting it on AWS Config compliance changes.
 *
 * Run it: OPSFLOW_ENDPOINT=http://127.0.0.1:8080 OPSFLOW_TOKEN=<admin token>
 *   CLOUD_API_URL=http://127.0.0.1:<port>/ OPS_EMAIL=ops@example.com
 *   node --import tsx examples/seed-000/setup.ts
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { adminClient, functionFiles } from "../seed-001/setup.js";

const HERE = new URL("./", import.meta.url);
const FUNCTIONS = {
  "EvaluateRequest.Arn": "evaluate-request",
  "OpenIncident.Arn": "open-incident",
  "ResolveIncident.Arn": "resolve-incident",
  "PrepareMessage.Arn": "prepare-message",
} as const;
/** Only these call out; the others get no credential. */
const CALLS_OUT = new Set(["open-incident", "resolve-incident"]);

/** Where and as whom to deploy. */
export interface Seed000Options {
  /** The server's URL, as the functions (child processes of the server) reach it. */
  endpoint: string;
  /** An admin's API token. */
  adminToken: string;
  /** The security-group API (EC2's operations as JSON; see fake-ec2.ts). */
  cloudApiUrl: string;
  /** Subscribed to the topic when given; the address must confirm by the mailed link. */
  operationsEmail?: string;
  /** Prefix of every name created (default `seed-000`). */
  prefix?: string;
}

/** What was deployed. */
export interface Seed000Deployment {
  stateMachineArn: string;
  topicArn: string;
  ruleName: string;
  /** The user whose token the functions use. */
  remediator: string;
}

/** Deploys everything; safe to run again (existing users, topics, rules are reused). */
export async function deploySeed000(options: Seed000Options): Promise<Seed000Deployment> {
  const call = adminClient(options.endpoint, options.adminToken);
  const prefix = options.prefix ?? "seed-000";
  const remediator = `${prefix}-remediator`;
  const topicName = `${prefix}-StepFunctionsSNSTopic`;

  const topic = await call("create topic", "POST", "/v1/topics", { name: topicName }, [201, 409]);
  const topicArn: string =
    topic.status === 201
      ? topic.body.arn
      : (await call("list topics", "GET", "/v1/topics")).body.items.find(
          (t: { name: string }) => t.name === topicName,
        ).arn;
  const [, , , region, account] = topicArn.split(":");
  if (options.operationsEmail) {
    const subs = await call("list subscriptions", "GET", `/v1/topics/${topicName}/subscriptions`);
    if (!subs.body.items.some((s: { endpoint: string }) => s.endpoint === options.operationsEmail))
      await call("subscribe", "POST", `/v1/topics/${topicName}/subscriptions`, {
        protocol: "email",
        endpoint: options.operationsEmail,
      });
  }

  // The functions open and resolve incidents, and nothing else (the state machine publishes).
  await call("create remediator", "POST", "/v1/users", { name: remediator }, [201, 409]);
  await call("remediator policy", "PUT", `/v1/users/${remediator}/policies/remediate`, {
    document: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "incidents:CreateIncident", Resource: "*" },
        {
          Effect: "Allow",
          Action: ["incidents:ResolveIncident", "incidents:AddIncidentNote"],
          Resource: `arn:aws:opsflow:${region}:${account}:incident/*`,
        },
      ],
    },
  });
  const token = await call("remediator token", "POST", `/v1/users/${remediator}/tokens`, {
    description: `functions of ${prefix}`,
  });

  const substitutions: Record<string, string> = { StepFunctionsSNSTopic: topicArn };
  for (const [placeholder, name] of Object.entries(FUNCTIONS)) {
    const functionName = `${prefix}-${name}`;
    await call("deploy function", "POST", "/v1/functions", {
      name: functionName,
      runtime: "nodejs",
      handler: "index.handler",
      timeoutSeconds: 30,
      files: functionFiles(HERE, name),
      environment: CALLS_OUT.has(name)
        ? {
            OPSFLOW_ENDPOINT: options.endpoint,
            OPSFLOW_TOKEN: token.body.token,
            CLOUD_API_URL: options.cloudApiUrl,
          }
        : {},
    });
    substitutions[placeholder] = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
  }

  const machineName = `${prefix}-ITAutomationWorkFlow`;
  const definition = readFileSync(new URL("statemachine.asl.json", HERE), "utf8");
  const created = await call(
    "create state machine",
    "POST",
    "/v1/state-machines",
    { name: machineName, definition, definitionSubstitutions: substitutions },
    [201, 409],
  );
  const stateMachineArn: string =
    created.status === 201
      ? created.body.stateMachineArn
      : (
          await call("update state machine", "PUT", `/v1/state-machines/${machineName}`, {
            definition,
            definitionSubstitutions: substitutions,
          })
        ).body.stateMachineArn;

  const ruleName = `${prefix}-ConfigComplianceChange`;
  await call("put rule", "PUT", `/v1/rules/${ruleName}`, {
    eventPattern: readFileSync(new URL("rule-pattern.json", HERE), "utf8"),
    description: "AWS Config: a resource's compliance changed",
  });
  await call("put target", "PUT", `/v1/rules/${ruleName}/targets`, {
    targets: [{ Id: "ITAutomationWorkFlow", Arn: stateMachineArn }],
  });
  return { stateMachineArn, topicArn, ruleName, remediator };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const adminToken = process.env.OPSFLOW_TOKEN;
  const cloudApiUrl = process.env.CLOUD_API_URL;
  if (!adminToken || !cloudApiUrl) {
    console.error(
      "Set OPSFLOW_TOKEN (an admin's API token), CLOUD_API_URL (and OPSFLOW_ENDPOINT).",
    );
    process.exit(2);
  }
  const deployed = await deploySeed000({
    endpoint: process.env.OPSFLOW_ENDPOINT ?? "http://127.0.0.1:8080",
    adminToken,
    cloudApiUrl,
    ...(process.env.OPS_EMAIL && { operationsEmail: process.env.OPS_EMAIL }),
  });
  console.log(JSON.stringify(deployed, null, 2));
}
