/**
 * The steps every seed's setup.ts takes against the native REST API, each safe to run again:
 * a topic (optionally with an email subscription), a user of the functions with one policy and
 * an API token, the functions of the seed's ./functions, its state machine with the functions'
 * ARNs substituted, and the rule starting it.
 */
import { readFileSync } from "node:fs";

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

/** Calls the API as the admin; `ok` lists the statuses that are not errors. */
export type AdminCall = (
  step: string,
  method: string,
  path: string,
  body?: unknown,
  ok?: number[],
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field.
) => Promise<{ status: number; body: any }>;

/** A REST client with one token; `ok` lists the statuses that are not errors. */
export function adminClient(endpoint: string, token: string): AdminCall {
  return async (step, method, path, body, ok = [200, 201, 204]) => {
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
 * A function directory of a seed's ./functions (`dir` is the seed's directory) with the API
 * client of examples/shared (deployed next to each index.mjs), as deployable files.
 */
export function functionFiles(dir: URL, name: string): Record<string, string> {
  const read = (file: URL) => readFileSync(file).toString("base64");
  return {
    "index.mjs": read(new URL(`functions/${name}/index.mjs`, dir)),
    "opsflow-client.mjs": read(new URL("opsflow-client.mjs", import.meta.url)),
  };
}

/** A topic's ARN, and the region and account it names (those of every other ARN). */
export interface Topic {
  arn: string;
  region: string;
  account: string;
}

/** Creates the topic (or finds it) and subscribes `email` unless it already is. */
export async function ensureTopic(call: AdminCall, name: string, email?: string): Promise<Topic> {
  const topic = await call("create topic", "POST", "/v1/topics", { name }, [201, 409]);
  const arn: string =
    topic.status === 201
      ? topic.body.arn
      : (await call("list topics", "GET", "/v1/topics")).body.items.find(
          (t: { name: string }) => t.name === name,
        ).arn;
  // arn:aws:sns:REGION:ACCOUNT:NAME
  const [, , , region = "", account = ""] = arn.split(":");
  if (email) {
    const subs = await call("list subscriptions", "GET", `/v1/topics/${name}/subscriptions`);
    if (!subs.body.items.some((s: { endpoint: string }) => s.endpoint === email))
      await call("subscribe", "POST", `/v1/topics/${name}/subscriptions`, {
        protocol: "email",
        endpoint: email,
      });
  }
  return { arn, region, account };
}

/**
 * Creates the user the functions act as (or keeps it), puts its one policy of `statements`,
 * and returns a new API token of it, described as the functions' of `prefix`. `role` names
 * the user in the steps of errors ("responder", "remediator").
 */
export async function functionsUser(
  call: AdminCall,
  user: { name: string; role: string; prefix: string; policy: string; statements: object[] },
): Promise<string> {
  const { name, role } = user;
  await call(`create ${role}`, "POST", "/v1/users", { name }, [201, 409]);
  await call(`${role} policy`, "PUT", `/v1/users/${name}/policies/${user.policy}`, {
    document: { Version: "2012-10-17", Statement: user.statements },
  });
  const token = await call(`${role} token`, "POST", `/v1/users/${name}/tokens`, {
    description: `functions of ${user.prefix}`,
  });
  return token.body.token;
}

/**
 * Deploys each function of `functions` (placeholder → directory name under `dir`/functions)
 * as `<prefix>-<name>` with the environment `environment(name)` gives; returns the
 * substitutions of the placeholders by the functions' ARNs.
 */
export async function deployFunctions(
  call: AdminCall,
  seed: { dir: URL; prefix: string; topic: Topic },
  functions: Record<string, string>,
  environment: (name: string) => Record<string, string>,
): Promise<Record<string, string>> {
  const substitutions: Record<string, string> = {};
  for (const [placeholder, name] of Object.entries(functions)) {
    const functionName = `${seed.prefix}-${name}`;
    await call("deploy function", "POST", "/v1/functions", {
      name: functionName,
      runtime: "nodejs",
      handler: "index.handler",
      timeoutSeconds: 30,
      files: functionFiles(seed.dir, name),
      environment: environment(name),
    });
    const { region, account } = seed.topic;
    substitutions[placeholder] = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
  }
  return substitutions;
}

/** Creates the state machine of `dir`/statemachine.asl.json, or updates it; returns its ARN. */
export async function putStateMachine(
  call: AdminCall,
  dir: URL,
  name: string,
  substitutions: Record<string, string>,
): Promise<string> {
  const definition = readFileSync(new URL("statemachine.asl.json", dir), "utf8");
  const created = await call(
    "create state machine",
    "POST",
    "/v1/state-machines",
    { name, definition, definitionSubstitutions: substitutions },
    [201, 409],
  );
  if (created.status === 201) return created.body.stateMachineArn;
  const updated = await call("update state machine", "PUT", `/v1/state-machines/${name}`, {
    definition,
    definitionSubstitutions: substitutions,
  });
  return updated.body.stateMachineArn;
}

/** Puts the rule of `dir`/rule-pattern.json with one target, the state machine. */
export async function putRule(
  call: AdminCall,
  dir: URL,
  rule: { name: string; description: string; targetId: string; stateMachineArn: string },
): Promise<void> {
  await call("put rule", "PUT", `/v1/rules/${rule.name}`, {
    eventPattern: readFileSync(new URL("rule-pattern.json", dir), "utf8"),
    description: rule.description,
  });
  await call("put target", "PUT", `/v1/rules/${rule.name}/targets`, {
    targets: [{ Id: rule.targetId, Arn: rule.stateMachineArn }],
  });
}
