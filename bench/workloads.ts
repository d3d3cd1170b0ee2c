/**
 * The workloads bench/durable.ts (one in-process server on SQLite) and bench/postgres-nodes.ts
 * (server processes on PostgreSQL) both measure: defined once so that their figures stay
 * comparable, a change to a machine or a load generator showing up in both.
 */
import { spawn } from "node:child_process";

/** The account of every ARN the benchmarks name (the servers' default). */
export const BENCH_ACCOUNT = "000000000000";

/** The ARN of state machine `name` in the bench account. */
export function machineArn(name: string): string {
  return `arn:aws:states:us-east-1:${BENCH_ACCOUNT}:stateMachine:${name}`;
}

/** Passes through the Pass/Choice loop per execution. */
export const LOOP_ITERATIONS = 50;

/** State transitions of one loop execution: Init, then Inc and Check per iteration, then Done. */
export const LOOP_TRANSITIONS = LOOP_ITERATIONS * 2 + 2;

/** A machine of Pass and Choice states only: every transition is a durable commit and nothing else. */
export const LOOP_MACHINE = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Result: { i: 0 }, Next: "Inc" },
    Inc: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.i, 1)" }, Next: "Check" },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.i", NumericLessThan: LOOP_ITERATIONS, Next: "Inc" }],
      Default: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

/** A typical small machine: five states, one of them a task calling {@link TAG_FUNCTION}. */
export const FIVE_STATE_MACHINE = {
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Parameters: { "id.$": "$.id" }, Next: "Tag" },
    Tag: {
      Type: "Task",
      Resource: `arn:aws:lambda:us-east-1:${BENCH_ACCOUNT}:function:tag`,
      Next: "Route",
    },
    Route: {
      Type: "Choice",
      Choices: [{ Variable: "$.tagged", BooleanEquals: true, Next: "Shape" }],
      Default: "Shape",
    },
    Shape: { Type: "Pass", Parameters: { "id.$": "$.id", ok: true }, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

/** The body of `POST /v1/functions` creating `tag`, a Node function that marks its input. */
export const TAG_FUNCTION = {
  name: "tag",
  runtime: "nodejs",
  files: {
    "index.mjs": Buffer.from(
      "export const handler = async (e) => ({ ...e, tagged: true });",
    ).toString("base64"),
  },
};

/**
 * A machine that waits a day: what StartExecution starts under load, so that the executions
 * cost their start and nothing more while the round lasts.
 */
export const SLEEPER_MACHINE = {
  StartAt: "W",
  States: { W: { Type: "Wait", Seconds: 86_400, End: true } },
};

/** POSTs `body` as JSON to `baseUrl` + `path` with `token`; fails on any non-2xx answer. */
export async function postJson(
  baseUrl: string,
  token: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Creates every workload on the server at `baseUrl`: the `loop`, `five` and `sleeper` machines
 * and the `tag` function.
 */
export async function deployWorkloads(baseUrl: string, token: string): Promise<void> {
  const post = (path: string, body: unknown) => postJson(baseUrl, token, path, body);
  await post("/v1/state-machines", { name: "loop", definition: LOOP_MACHINE });
  await post("/v1/functions", TAG_FUNCTION);
  await post("/v1/state-machines", { name: "five", definition: FIVE_STATE_MACHINE });
  await post("/v1/state-machines", { name: "sleeper", definition: SLEEPER_MACHINE });
}

/**
 * One autocannon run of `seconds` with 32 connections, starting executions of `sleeper` on the
 * server at `baseUrl`: the requests made, and their rate as autocannon measured it. Fails if
 * any request failed, since a rate of errors would pass for throughput.
 */
export async function autocannonStarts(
  baseUrl: string,
  token: string,
  seconds: number,
): Promise<{ units: number; perSecond: number }> {
  // autocannon runs as its own process, so the load generator does not share the caller's event
  // loop (which, in bench/durable.ts, is the server's).
  const child = spawn(
    process.execPath,
    [
      "node_modules/autocannon/autocannon.js",
      "--json",
      "-c",
      "32",
      "-d",
      String(seconds),
      "-m",
      "POST",
      "-H",
      `authorization=Bearer ${token}`,
      "-H",
      "content-type=application/json",
      "-b",
      '{"input":{"x":1}}',
      `${baseUrl}/v1/state-machines/sleeper/executions`,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise((resolve) => child.once("exit", resolve));
  const result = JSON.parse(output) as {
    non2xx: number;
    errors: number;
    requests: { average: number; total: number };
  };
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx + result.errors} StartExecution calls failed`);
  return { units: result.requests.total, perSecond: result.requests.average };
}
