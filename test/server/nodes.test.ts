/**
 * Several `opsflow server` processes on one PostgreSQL database, as nodes behind a load
 * balancer: requests go to any node, activity workers poll and answer through any node, and
 * a node that dies (SIGKILL) or stalls past its leases (SIGSTOP) loses nothing: its executions
 * finish on the others, no task result is applied twice, histories have no gaps or
 * duplicates. A schedule fires each occurrence once, and a concurrency quota holds across
 * nodes. PostgreSQL itself restarting under load is survived too (a cluster of its own).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { freshDatabaseUrl, skipPostgres } from "../store/postgres.js";
import { makeUser } from "./auth-helpers.js";
import { eventually, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { startPostgresCluster } from "./postgres-cluster.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-nodes-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

const MASTER_KEY = Buffer.alloc(32, 7).toString("base64");
const LEASE_SECONDS = 2;
const ROLE = "arn:aws:iam::123456789012:role/x";
const PREFIX = "arn:aws:states:us-east-1:123456789012";

/** A cluster of nodes on one database, each with a client of its own. */
class Nodes {
  readonly clients: sfn.SFNClient[];
  private readonly down = new Set<number>();

  constructor(readonly servers: ServerProcess[]) {
    this.clients = servers.map(
      (server) => new sfn.SFNClient({ ...sdkConfig(server.url), maxAttempts: 1 }),
    );
  }

  static async start(count: number, database: string): Promise<Nodes> {
    const servers: ServerProcess[] = [];
    for (let i = 0; i < count; i++)
      servers.push(
        await startServerProcess(join(root, `node-${dirs++}`), 0, {
          OPSFLOW_DATABASE_URL: database,
          OPSFLOW_MASTER_KEY: MASTER_KEY,
          OPSFLOW_LEASE_SECONDS: String(LEASE_SECONDS),
        }),
      );
    return new Nodes(servers);
  }

  /** The client of a node that is up, taking turns. */
  private turn = 0;
  any(): sfn.SFNClient {
    for (;;) {
      const index = this.turn++ % this.clients.length;
      if (!this.down.has(index)) return this.clients[index];
    }
  }

  markDown(index: number): void {
    this.down.add(index);
  }

  markUp(index: number): void {
    this.down.delete(index);
  }

  /** The end of each node's output, for a failure's message. */
  logs(): string {
    return this.servers
      .map((server, i) => `node ${i}:\n${server.output().slice(-2000)}`)
      .join("\n");
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await Promise.all(
      this.servers.map((server) => (server.child.exitCode === null ? server.stop() : undefined)),
    );
  }
}

/** Runs `call` on live nodes until one answers (a node may be dying or restarting). */
async function onAnyNode<T>(nodes: Nodes, call: (client: sfn.SFNClient) => Promise<T>) {
  let lastError: unknown;
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      return await call(nodes.any());
    } catch (error) {
      lastError = error;
      // Refusals that are answers, not outages, are the caller's to see.
      if ((error as { $fault?: string }).$fault === "client") throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw lastError;
}

/**
 * Activity workers: each polls a live node, and answers through another one with the job
 * number doubled. Counts the answers per task token, so a task answered twice shows.
 */
function startWorkers(nodes: Nodes, activityArn: string, count: number) {
  const answers = new Map<string, number>();
  const abort = new AbortController();
  const work = async () => {
    while (!abort.signal.aborted) {
      try {
        const task = await nodes
          .any()
          .send(new sfn.GetActivityTaskCommand({ activityArn, workerName: "w" }), {
            abortSignal: abort.signal,
          });
        if (!task.taskToken) continue;
        const { job } = JSON.parse(task.input ?? "{}") as { job: number };
        await onAnyNode(nodes, (client) =>
          client.send(
            new sfn.SendTaskSuccessCommand({
              taskToken: task.taskToken,
              output: JSON.stringify({ doubled: job * 2 }),
            }),
          ),
        );
        answers.set(task.taskToken, (answers.get(task.taskToken) ?? 0) + 1);
      } catch {
        // A node went away mid-poll: poll another.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const running = Array.from({ length: count }, () => work());
  return {
    answers,
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}

/**
 * A machine that asks an activity, waits a second, and ends with the activity's answer. A task
 * handed out by a node that died before its answer reached the worker is lost to that worker
 * (as on AWS): it times out and is scheduled again.
 */
async function activityMachine(nodes: Nodes, name: string) {
  const activityArn = (
    await onAnyNode(nodes, (client) => client.send(new sfn.CreateActivityCommand({ name })))
  ).activityArn as string;
  const definition = {
    StartAt: "Work",
    States: {
      Work: {
        Type: "Task",
        Resource: activityArn,
        TimeoutSeconds: 5,
        Retry: [{ ErrorEquals: ["States.Timeout"], IntervalSeconds: 1, MaxAttempts: 5 }],
        Next: "Pause",
      },
      Pause: { Type: "Wait", Seconds: 1, Next: "Done" },
      Done: { Type: "Pass", End: true },
    },
  };
  const machine = await onAnyNode(nodes, (client) =>
    client.send(
      new sfn.CreateStateMachineCommand({
        name,
        roleArn: ROLE,
        definition: JSON.stringify(definition),
      }),
    ),
  );
  return { activityArn, machineArn: machine.stateMachineArn as string };
}

/** Starts `count` executions spread over the nodes; answers their ARNs by job number. */
async function startJobs(nodes: Nodes, machineArn: string, count: number, from = 0) {
  const arns = new Map<number, string>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const job = from + i;
      const started = await onAnyNode(nodes, (client) =>
        client.send(
          new sfn.StartExecutionCommand({
            stateMachineArn: machineArn,
            name: `job-${job}`,
            input: JSON.stringify({ job }),
          }),
        ),
      );
      arns.set(job, started.executionArn as string);
    }),
  );
  return arns;
}

/** Waits until every execution ended; then checks each one's outcome and history. */
async function checkAllFinished(nodes: Nodes, arns: Map<number, string>, ms = 90_000) {
  for (const [job, executionArn] of arns) {
    const described = await eventually(async () => {
      const answer = await onAnyNode(nodes, (client) =>
        client.send(new sfn.DescribeExecutionCommand({ executionArn })),
      );
      return answer.status === "RUNNING" ? undefined : answer;
    }, ms).catch(async (error: Error) => {
      const history = await onAnyNode(nodes, (client) =>
        client.send(new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 })),
      );
      const types = (history.events ?? []).map((event) => event.type).join(", ");
      throw new Error(`job ${job} did not finish (${error.message}): ${types}\n${nodes.logs()}`);
    });
    assert.equal(
      described.status,
      "SUCCEEDED",
      `job ${job}: ${described.error} ${described.cause}`,
    );
    assert.deepEqual(JSON.parse(described.output ?? "null"), { doubled: job * 2 });
    const history = await onAnyNode(nodes, (client) =>
      client.send(new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 })),
    );
    const events = history.events ?? [];
    assert.deepEqual(
      events.map((event) => event.id),
      events.map((_, i) => i + 1),
      `job ${job}: history ids without gaps or duplicates`,
    );
    const count = (type: string) => events.filter((event) => event.type === type).length;
    assert.equal(count("ActivitySucceeded"), 1, `job ${job}: one task result applied`);
    assert.equal(
      count("ActivityScheduled"),
      count("ActivityTimedOut") + 1,
      `job ${job}: the task scheduled again only after a timeout`,
    );
    assert.equal(count("WaitStateExited"), 1, `job ${job}: the wait ended once`);
    assert.equal(count("ExecutionSucceeded"), 1, `job ${job}: ended once`);
  }
}

describe("nodes on one PostgreSQL database", { skip: skipPostgres }, () => {
  test("a node killed under load: its executions finish on the others, nothing lost or doubled", async () => {
    const nodes = await Nodes.start(3, await freshDatabaseUrl());
    const { activityArn, machineArn } = await activityMachine(nodes, "kill-load");
    const workers = startWorkers(nodes, activityArn, 6);
    try {
      const first = await startJobs(nodes, machineArn, 30);
      // Mid-load: some executions are leased by the node, some wait on its timers or tasks.
      await eventually(async () => (workers.answers.size >= 10 ? true : undefined), 30_000);
      nodes.markDown(1);
      await nodes.servers[1].kill();
      const second = await startJobs(nodes, machineArn, 30, 30);
      await checkAllFinished(nodes, new Map([...first, ...second]));
      assert.deepEqual(
        [...workers.answers.values()].filter((n) => n !== 1),
        [],
        "each task answered once",
      );
    } finally {
      await workers.stop();
      await nodes.stop();
    }
  });

  test("a node stalled past its leases (SIGSTOP): the others take over, its stale commits are refused", async () => {
    const nodes = await Nodes.start(3, await freshDatabaseUrl());
    const { activityArn, machineArn } = await activityMachine(nodes, "stall-load");
    const workers = startWorkers(nodes, activityArn, 6);
    try {
      const arns = await startJobs(nodes, machineArn, 30);
      await eventually(async () => (workers.answers.size >= 5 ? true : undefined), 30_000);
      nodes.markDown(0);
      nodes.servers[0].child.kill("SIGSTOP");
      await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 2) * 1000));
      nodes.servers[0].child.kill("SIGCONT");
      nodes.markUp(0);
      const more = await startJobs(nodes, machineArn, 15, 30);
      await checkAllFinished(nodes, new Map([...arns, ...more]));
      // The stalled node came back and serves.
      assert.equal((await fetch(`${nodes.servers[0].url}/ready`)).status, 200);
      assert.equal(nodes.servers[0].child.exitCode, null);
    } finally {
      await workers.stop();
      await nodes.stop();
    }
  });

  test("a one-time schedule fires once across three nodes", async () => {
    const nodes = await Nodes.start(3, await freshDatabaseUrl());
    try {
      const machine = await onAnyNode(nodes, (client) =>
        client.send(
          new sfn.CreateStateMachineCommand({
            name: "scheduled",
            roleArn: ROLE,
            definition: JSON.stringify({
              StartAt: "P",
              States: { P: { Type: "Pass", End: true } },
            }),
          }),
        ),
      );
      // A few seconds ahead, in UTC: every node's schedule loop sees it due at once.
      const at = new Date(Date.now() + 4000).toISOString().slice(0, 19);
      const rules = ["tick-a", "tick-b", "tick-c"];
      for (const [i, name] of rules.entries()) {
        const server = nodes.servers[i];
        assert.equal(
          (
            await rest(server.url, "PUT", `/v1/rules/${name}`, {
              scheduleExpression: `at(${at})`,
            })
          ).status,
          200,
        );
        assert.equal(
          (
            await rest(server.url, "PUT", `/v1/rules/${name}/targets`, {
              targets: [{ Id: "run", Arn: machine.stateMachineArn }],
            })
          ).status,
          200,
        );
      }
      const executions = await eventually(async () => {
        const listed = await nodes.clients[0].send(
          new sfn.ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
        );
        return (listed.executions ?? []).length >= rules.length ? listed.executions : undefined;
      }, 20_000);
      // Another round of every node's schedule loop: nothing fires again.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const again = await nodes.clients[2].send(
        new sfn.ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      );
      assert.equal(executions?.length, rules.length);
      assert.equal(again.executions?.length, rules.length, "each rule fired once");
    } finally {
      await nodes.stop();
    }
  });

  test("a rule put through one node matches events put through another", async () => {
    const nodes = await Nodes.start(2, await freshDatabaseUrl());
    try {
      const [first, second] = nodes.servers;
      const machine = await nodes.clients[0].send(
        new sfn.CreateStateMachineCommand({
          name: "on-alert",
          roleArn: ROLE,
          definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
        }),
      );
      // Node 2 loaded its rules before this one existed.
      assert.equal(
        (
          await rest(first.url, "PUT", "/v1/rules/alerts", {
            eventPattern: { source: ["my.monitor"] },
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await rest(first.url, "PUT", "/v1/rules/alerts/targets", {
            targets: [{ Id: "run", Arn: machine.stateMachineArn }],
          })
        ).status,
        200,
      );
      const started = await eventually(async () => {
        const put = await rest(second.url, "POST", "/v1/events", {
          entries: [{ source: "my.monitor", detailType: "Alert", detail: { host: "db1" } }],
        });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        const listed = await nodes.clients[1].send(
          new sfn.ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
        );
        return listed.executions?.length ? listed.executions : undefined;
      }, 10_000);
      assert.ok(started.length >= 1, "node 2 matched the rule node 1 created");
    } finally {
      await nodes.stop();
    }
  });

  test("a concurrency quota of 3 holds when 30 starts arrive at three nodes at once", async () => {
    const nodes = await Nodes.start(3, await freshDatabaseUrl());
    try {
      const [first] = nodes.servers;
      const hold = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } };
      assert.equal(
        (await rest(first.url, "POST", "/v1/state-machines", { name: "hold", definition: hold }))
          .status,
        201,
      );
      assert.equal(
        (
          await rest(first.url, "POST", "/v1/teams", {
            name: "red",
            quotas: { concurrentExecutions: 3 },
          })
        ).status,
        201,
      );
      const user = await makeUser(first.url, "red-op", ["operator"]);
      assert.equal(
        (await rest(first.url, "PUT", `/v1/teams/red/members/${user.name}`)).status,
        204,
      );
      // Memberships are cached for up to a second on each node.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const clients = nodes.servers.map(
        (server) =>
          new sfn.SFNClient({ ...sdkConfig(server.url), credentials: user.key, maxAttempts: 1 }),
      );
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          clients[i % 3].send(
            new sfn.StartExecutionCommand({ stateMachineArn: `${PREFIX}:stateMachine:hold` }),
          ),
        ),
      );
      for (const client of clients) client.destroy();
      const refused = outcomes.filter((outcome) => outcome.status === "rejected");
      assert.equal(outcomes.length - refused.length, 3, "exactly the quota started");
      for (const outcome of refused)
        assert.equal((outcome.reason as Error).name, "ExecutionLimitExceeded");
      const listed = await nodes.clients[1].send(
        new sfn.ListExecutionsCommand({ stateMachineArn: `${PREFIX}:stateMachine:hold` }),
      );
      assert.equal(listed.executions?.length, 3, "the refused starts left nothing");
    } finally {
      await nodes.stop();
    }
  });
});

describe("PostgreSQL restarting under load", { skip: skipPostgres }, () => {
  test("nodes reconnect and every accepted execution finishes; no node crashes", async () => {
    const cluster = await startPostgresCluster();
    const nodes = await Nodes.start(2, cluster.url);
    const { activityArn, machineArn } = await activityMachine(nodes, "restart-load");
    const workers = startWorkers(nodes, activityArn, 4);
    try {
      const arns = await startJobs(nodes, machineArn, 20);
      await eventually(async () => (workers.answers.size >= 5 ? true : undefined), 30_000);
      await cluster.restart();
      const more = await startJobs(nodes, machineArn, 20, 20).catch((error: Error) => {
        throw new Error(`${error.message}\n${nodes.logs()}`);
      });
      await checkAllFinished(nodes, new Map([...arns, ...more]));
      for (const server of nodes.servers)
        assert.equal(server.child.exitCode, null, "still running");
    } finally {
      await workers.stop();
      await nodes.stop();
      await cluster.stop();
    }
  });
});
