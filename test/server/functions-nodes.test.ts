/**
 * Deployed functions on two `opsflow server` nodes sharing one PostgreSQL database, each with
 * a data directory of its own: a function deployed through one node runs on the other (its
 * code comes from the database), in an execution and when invoked directly, and a new version
 * deployed through one node is run by the other soon after (settings are reused for at most
 * a second).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { freshDatabaseUrl, skipPostgres } from "../store/postgres.js";
import {
  deployNodeFunction,
  eventually,
  rest,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "./harness.js";

const MASTER_KEY = Buffer.alloc(32, 11).toString("base64");
const GREET = `
import { shout } from "./lib/shout.mjs";
export const handler = async (event) => ({ greeting: shout("hello " + event.who) });
`;
const SHOUT = "export const shout = (text) => text.toUpperCase() + '!';\n";

describe("functions on nodes sharing a database", { skip: skipPostgres }, () => {
  const root = mkdtempSync(join(tmpdir(), "opsflow-functions-nodes-"));
  const nodes: ServerProcess[] = [];
  let states: sfn.SFNClient;

  before(async () => {
    const database = await freshDatabaseUrl();
    for (const name of ["one", "two"])
      nodes.push(
        await startServerProcess(join(root, name), 0, {
          OPSFLOW_DATABASE_URL: database,
          OPSFLOW_MASTER_KEY: MASTER_KEY,
        }),
      );
    states = new sfn.SFNClient({ ...sdkConfig(nodes[1].url), maxAttempts: 1 });
  });
  after(async () => {
    states?.destroy();
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  test("a function deployed through node 1 runs in an execution started on node 2", async () => {
    await deployNodeFunction(nodes[0].url, "greet", GREET, {
      files: {
        "index.mjs": Buffer.from(GREET).toString("base64"),
        "lib/shout.mjs": Buffer.from(SHOUT).toString("base64"),
      },
    });
    const codeOnTwo = join(nodes[1].dataDir, "functions", "greet", "1");
    assert.equal(existsSync(codeOnTwo), false);

    const { stateMachineArn } = await states.send(
      new sfn.CreateStateMachineCommand({
        name: "greeter",
        roleArn: "arn:aws:iam::123456789012:role/x",
        definition: JSON.stringify({
          StartAt: "Greet",
          States: {
            Greet: {
              Type: "Task",
              Resource: "arn:aws:lambda:us-east-1:123456789012:function:greet",
              End: true,
            },
          },
        }),
      }),
    );
    const { executionArn } = await states.send(
      new sfn.StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ who: "two" }) }),
    );
    const done = await eventually(async () => {
      const described = await states.send(new sfn.DescribeExecutionCommand({ executionArn }));
      return described.status === "RUNNING" ? undefined : described;
    }, 30_000);
    assert.equal(done.status, "SUCCEEDED", JSON.stringify(done));
    assert.deepEqual(JSON.parse(done.output ?? "null"), { greeting: "HELLO TWO!" });

    // Called on node 2 itself, the code is written into node 2's own data directory.
    const invoked = await rest(nodes[1].url, "POST", "/v1/functions/greet/invoke", { who: "2" });
    assert.equal(invoked.status, 200, JSON.stringify(invoked.body));
    assert.deepEqual(invoked.body.payload, { greeting: "HELLO 2!" });
    assert.equal(readFileSync(join(codeOnTwo, "lib", "shout.mjs"), "utf8"), SHOUT);
    const listed = await rest(nodes[1].url, "GET", "/v1/functions");
    assert.deepEqual(
      listed.body.items.map((fn: { name: string; version: number }) => [fn.name, fn.version]),
      [["greet", 1]],
    );
  });

  test("a new version deployed through node 2 soon runs on node 1", async () => {
    const call = async (node: ServerProcess) =>
      (await rest(node.url, "POST", "/v1/functions/versioned/invoke", {})).body.payload;
    await deployNodeFunction(nodes[1].url, "versioned", "export const handler = async () => 1;");
    assert.equal(await call(nodes[0]), 1);
    await deployNodeFunction(nodes[1].url, "versioned", "export const handler = async () => 2;");
    const deployedAt = Date.now();
    // Node 1 reuses the settings it read for at most a second.
    await eventually(async () => ((await call(nodes[0])) === 2 ? true : undefined));
    assert.ok(Date.now() - deployedAt < 5000);
  });
});
