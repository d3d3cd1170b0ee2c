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
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

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

/** An answer of the API that is not the expected status. */
export class SetupError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${step}: HTTP ${status} ${JSON.stringify(body)}`);
    this.name = "SetupError";
  }
}

/** A REST client with one token; `ok` lists the statuses that are not errors. */
export function adminClient(endpoint: string, token: string) {
  return async function call(
    step: string,
    method: string,
    path: string,
    body?: unknown,
    ok: number[] = [200, 201, 204],
    // biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field.
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!ok.includes(response.status)) throw new SetupError(step, response.status, parsed);
    return { status: response.status, body: parsed };
  };
}

/**
 * A function directory of ./functions with the API client of examples/shared (deployed next
 * to each index.mjs), as deployable files.
 */
export function functionFiles(dir: URL, name: string): Record<string, string> {
  const read = (file: URL) => readFileSync(file).toString("base64");
  return {
    "index.mjs": read(new URL(`functions/${name}/index.mjs`, dir)),
    "opsflow-client.mjs": read(new URL("../shared/opsflow-client.mjs", import.meta.url)),
  };
}

/** Deploys everything; safe to run again (existing users, topics, rules are reused). */
export async function deploySeed001(options: Seed001Options): Promise<Seed001Deployment> {
  const call = adminClient(options.endpoint, options.adminToken);
  const prefix = options.prefix ?? "seed-001";
  const responder = `${prefix}-responder`;
  const topicName = `${prefix}-SecurityNotificationTopic`;

  const topic = await call("create topic", "POST", "/v1/topics", { name: topicName }, [201, 409]);
  const topicArn: string =
    topic.status === 201
      ? topic.body.arn
      : (await call("list topics", "GET", "/v1/topics")).body.items.find(
          (t: { name: string }) => t.name === topicName,
        ).arn;
  // arn:aws:sns:REGION:ACCOUNT:NAME gives the region and account of the other ARNs.
  const [, , , region, account] = topicArn.split(":");
  if (options.securityEmail) {
    const subs = await call("list subscriptions", "GET", `/v1/topics/${topicName}/subscriptions`);
    if (!subs.body.items.some((s: { endpoint: string }) => s.endpoint === options.securityEmail))
      await call("subscribe", "POST", `/v1/topics/${topicName}/subscriptions`, {
        protocol: "email",
        endpoint: options.securityEmail,
      });
  }

  // The responder may do what the three functions do, and nothing else.
  await call("create responder", "POST", "/v1/users", { name: responder }, [201, 409]);
  await call("responder policy", "PUT", `/v1/users/${responder}/policies/respond-to-exposed-keys`, {
    document: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "iam:GetAccessKeyLastUsed", Resource: "*" },
        {
          Effect: "Allow",
          Action: "iam:DeleteAccessKey",
          Resource: `arn:aws:iam::${account}:user/*`,
        },
        { Effect: "Allow", Action: "audit:LookupEvents", Resource: "*" },
        { Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
      ],
    },
  });
  const token = await call("responder token", "POST", `/v1/users/${responder}/tokens`, {
    description: `functions of ${prefix}`,
  });

  const substitutions: Record<string, string> = {};
  for (const [placeholder, name] of Object.entries(FUNCTIONS)) {
    const functionName = `${prefix}-${name}`;
    await call("deploy function", "POST", "/v1/functions", {
      name: functionName,
      runtime: "nodejs",
      handler: "index.handler",
      timeoutSeconds: 30,
      files: functionFiles(HERE, name),
      environment: {
        OPSFLOW_ENDPOINT: options.endpoint,
        OPSFLOW_TOKEN: token.body.token,
        TOPIC_ARN: topicArn,
      },
    });
    substitutions[placeholder] = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
  }

  const machineName = `${prefix}-ExposedKeyStepFunction`;
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

  const ruleName = `${prefix}-RiskCredentialsExposedRule`;
  await call("put rule", "PUT", `/v1/rules/${ruleName}`, {
    eventPattern: readFileSync(new URL("rule-pattern.json", HERE), "utf8"),
    description: "AWS Health: an access key was exposed or compromised",
  });
  await call("put target", "PUT", `/v1/rules/${ruleName}/targets`, {
    targets: [{ Id: "ExposedKeyStepFunction", Arn: stateMachineArn }],
  });
  return { stateMachineArn, topicArn, ruleName, responder };
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
