/**
 * Starts a real `opsflow server` child process on a temporary data directory and a free port,
 * with known admin credentials, and gives tests its URL, an SDK client config and a REST helper.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabaseUrl } from "../store/postgres.js";

/**
 * `OPSFLOW_TEST_STORE=postgres` runs every server of these tests on PostgreSQL: each data
 * directory gets a database of its own, kept for restarts on the same directory.
 */
const onPostgres = process.env.OPSFLOW_TEST_STORE === "postgres";
const databases = new Map<string, Promise<string>>();

/** The `--database` of a server on `dataDir` in this test run, if it runs on PostgreSQL. */
export async function testDatabaseFor(dataDir: string): Promise<string | undefined> {
  if (!onPostgres) return undefined;
  let url = databases.get(dataDir);
  if (!url) {
    url = freshDatabaseUrl();
    databases.set(dataDir, url);
  }
  return url;
}

export const ADMIN = {
  accessKeyId: "AKIAOPSFLOWTEST00001",
  secretAccessKey: "testsecrettestsecrettestsecrettestsecret",
  token: "opsf_testtokentesttokentesttokentesttokentesttoke",
};

export interface ServerProcess {
  url: string;
  /** When the server said it was ready (its own clock, epoch ms): start-up time ends here. */
  readyAt: number;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/** `config` with the test run's database for its data directory (see testDatabaseFor). */
export async function withTestDatabase<T extends { dataDir: string }>(
  config: T,
): Promise<T & { database?: string }> {
  const database = await testDatabaseFor(config.dataDir);
  return database ? { ...config, database } : config;
}

/** Starts a server (on `dataDir` when given, to restart on the same data), `env` added to its environment. */
export async function startServerProcess(
  dataDir = mkdtempSync(join(tmpdir(), "opsflow-server-")),
  port = 0,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  // A test that names the database itself (nodes sharing one) keeps it.
  const database = env.OPSFLOW_DATABASE_URL ? undefined : await testDatabaseFor(dataDir);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/bin.ts",
      "server",
      "--data-dir",
      dataDir,
      "--port",
      String(port),
      ...(database ? ["--database", database] : []),
    ],
    {
      env: {
        ...process.env,
        OPSFLOW_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
        OPSFLOW_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
        OPSFLOW_ADMIN_TOKEN: ADMIN.token,
        OPSFLOW_ACCOUNT: "123456789012",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const { url, readyAt } = await new Promise<{ url: string; readyAt: number }>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
      const check = () => {
        const match = /listening on (https?:\/\/\S+) .*ready at (\S+)\n/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ url: match[1], readyAt: Date.parse(match[2]) });
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    readyAt,
    dataDir,
    child,
    output: () => output,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Calls the native REST API with the admin token. */
export async function rest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert on them.
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN.token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The AWS SDK client configuration for this server. */
export function sdkConfig(url: string) {
  return {
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey },
  };
}

/** Deploys a Node function from source text through the REST API. */
export async function deployNodeFunction(
  url: string,
  name: string,
  source: string,
  extra: Record<string, unknown> = {},
) {
  const response = await rest(url, "POST", "/v1/functions", {
    name,
    runtime: "nodejs",
    files: { "index.mjs": Buffer.from(source).toString("base64") },
    handler: "index.handler",
    ...extra,
  });
  if (response.status !== 201) throw new Error(`deploy ${name}: ${JSON.stringify(response.body)}`);
}

/** Polls until `check` returns a value (or fails after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
