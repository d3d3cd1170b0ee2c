/**
 * Deploys seed 001 (automated response to an exposed access key) onto an opsflow server:
 * a least-privilege responder user with an API token, the security topic (optionally with an
 * email subscription), the three functions of ./functions (the token, the server's URL and
 * the topic in their environment), the original state machine with its three `${X.Arn}`
 * placeholders substituted, and the original rule starting it on AWS Health events.
 *
 * Run it: OPSFLOW_ENDPOINT=http://127.0.0.1:8080 OPSFLOW_TOKEN=<admin token>
 *   SECURITY_EMAIL=security@example.com node --import tsx examples/seed-001/setup.ts
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
  "DeleteAccessKeyPair.Arn": "delete-access-key-pair",
  "LookupCloudTrailEvents.Arn": "lookup-audit-events",
  "NotifySecurity.Arn": "notify-security",
} as const;

/** Where and as whom to deploy. */
export interface Seed001Options {
  /** The server's URL, as the functions (child processes of the server) reach it. */
  endpoint: string;
  /** An admin's API token (creates users, policies, topics, functions, rules). */
  adminToken: string;
  /** Subscribed to the security topic when given; the address must confirm by the mailed link. */
  securityEmail?: string;
  /** Prefix of every name created (default `seed-001`), so deployments can sit side by side. */
  prefix?: string;
}

/** What was deployed. */
export interface Seed001Deployment {
  stateMachineArn: string;
  topicArn: string;
  ruleName: string;
  /** The user whose token the functions use. */
  responder: string;
}

/** Deploys everything; safe to run again (existing users, topics, rules are reused). */
export async function deploySeed001(options: Seed001Options): Promise<Seed001Deployment> {
  const call = adminClient(options.endpoint, options.adminToken);
  const prefix = options.prefix ?? "seed-001";
  const responder = `${prefix}-responder`;
  const topic = await ensureTopic(
    call,
    `${prefix}-SecurityNotificationTopic`,
    options.securityEmail,
  );

  // The responder may do what the three functions do, and nothing else.
  const token = await functionsUser(call, {
    name: responder,
    role: "responder",
    prefix,
    policy: "respond-to-exposed-keys",
    statements: [
      { Effect: "Allow", Action: "iam:GetAccessKeyLastUsed", Resource: "*" },
      {
        Effect: "Allow",
        Action: "iam:DeleteAccessKey",
        Resource: `arn:aws:iam::${topic.account}:user/*`,
      },
      { Effect: "Allow", Action: "audit:LookupEvents", Resource: "*" },
      { Effect: "Allow", Action: "sns:Publish", Resource: topic.arn },
    ],
  });

  const substitutions = await deployFunctions(
    call,
    { dir: HERE, prefix, topic },
    FUNCTIONS,
    () => ({
      OPSFLOW_ENDPOINT: options.endpoint,
      OPSFLOW_TOKEN: token,
      TOPIC_ARN: topic.arn,
    }),
  );
  const stateMachineArn = await putStateMachine(
    call,
    HERE,
    `${prefix}-ExposedKeyStepFunction`,
    substitutions,
  );
  const ruleName = `${prefix}-RiskCredentialsExposedRule`;
  await putRule(call, HERE, {
    name: ruleName,
    description: "AWS Health: an access key was exposed or compromised",
    targetId: "ExposedKeyStepFunction",
    stateMachineArn,
  });
  return { stateMachineArn, topicArn: topic.arn, ruleName, responder };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const endpoint = process.env.OPSFLOW_ENDPOINT ?? "http://127.0.0.1:8080";
  const adminToken = process.env.OPSFLOW_TOKEN;
  if (!adminToken) {
    console.error("Set OPSFLOW_TOKEN to an admin's API token (and OPSFLOW_ENDPOINT).");
    process.exit(2);
  }
  const deployed = await deploySeed001({
    endpoint,
    adminToken,
    ...(process.env.SECURITY_EMAIL && { securityEmail: process.env.SECURITY_EMAIL }),
  });
  console.log(JSON.stringify(deployed, null, 2));
}
