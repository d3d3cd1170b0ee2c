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
import { pathToFileURL } from "node:url";
import {
  adminClient,
  deployFunctions,
  ensureTopic,
  functionsUser,
  putRule,
  putStateMachine,
} from "../shared/deploy.js";

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
  const topic = await ensureTopic(call, `${prefix}-StepFunctionsSNSTopic`, options.operationsEmail);

  // The functions open and resolve incidents, and nothing else (the state machine publishes).
  const token = await functionsUser(call, {
    name: remediator,
    role: "remediator",
    prefix,
    policy: "remediate",
    statements: [
      { Effect: "Allow", Action: "incidents:CreateIncident", Resource: "*" },
      {
        Effect: "Allow",
        Action: ["incidents:ResolveIncident", "incidents:AddIncidentNote"],
        Resource: `arn:aws:opsflow:${topic.region}:${topic.account}:incident/*`,
      },
    ],
  });

  const functionArns = await deployFunctions(
    call,
    { dir: HERE, prefix, topic },
    FUNCTIONS,
    (name): Record<string, string> =>
      CALLS_OUT.has(name)
        ? {
            OPSFLOW_ENDPOINT: options.endpoint,
            OPSFLOW_TOKEN: token,
            CLOUD_API_URL: options.cloudApiUrl,
          }
        : {},
  );
  const stateMachineArn = await putStateMachine(call, HERE, `${prefix}-ITAutomationWorkFlow`, {
    StepFunctionsSNSTopic: topic.arn,
    ...functionArns,
  });
  const ruleName = `${prefix}-ConfigComplianceChange`;
  await putRule(call, HERE, {
    name: ruleName,
    description: "AWS Config: a resource's compliance changed",
    targetId: "ITAutomationWorkFlow",
    stateMachineArn,
  });
  return { stateMachineArn, topicArn: topic.arn, ruleName, remediator };
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
