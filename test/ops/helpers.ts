/**
 * What the operations tests share: an in-process opsflow server with an adjustable clock (so
 * deadlines can be fast-forwarded), a real SMTP server (smtp-server) and a local HTTP server
 * recording webhook calls, all on 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SMTPServer } from "smtp-server";
import { generateApiToken, hashApiToken } from "../../src/auth/key-hash.js";
import type { Clock } from "../../src/kernel/clock.js";
import type { OpsSettings } from "../../src/ops/server.js";
import { type RunningServer, type ServerConfig, startServer } from "../../src/server/compose.js";
import { ADMIN, withTestDatabase } from "../server/harness.js";

/** Real time plus an offset the test moves forward; sleepers notice within a few ms. */
export class AdjustableClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  async sleepUntil(untilMs: number, signal?: AbortSignal): Promise<void> {
    while (this.now() < untilMs)
      await sleep(Math.min(untilMs - this.now(), 20), undefined, { signal });
  }
}

/** A received mail: envelope recipient, subject and decoded text. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** Decodes the body of a single-part mail (quoted-printable or base64). */
function decodeMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  let body = raw.slice(split + 4);
  const header = (name: string) =>
    new RegExp(`^${name}:\\s*(.*)$`, "im").exec(head)?.[1]?.trim() ?? "";
  const encoding = header("content-transfer-encoding").toLowerCase();
  if (encoding === "quoted-printable")
    body = Buffer.from(
      body
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
          String.fromCharCode(Number.parseInt(hex, 16)),
        ),
      "latin1",
    ).toString("utf8");
  else if (encoding === "base64") body = Buffer.from(body, "base64").toString("utf8");
  return { to, subject: header("subject"), text: body.replace(/\r\n/g, "\n") };
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export async function startSmtp(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        mails.push(decodeMail(Buffer.concat(chunks).toString("utf8"), to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A recorded webhook call. */
export interface Hook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local HTTP server recording calls; `respond` picks each answer's status by path. */
export async function startHooks(respond: (path: string, count: number) => number = () => 200) {
  const calls: Hook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      calls.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = respond(path, calls.filter((c) => c.path === path).length);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The configuration of an in-process opsflow for tests: a fresh data directory, a free port on
 * 127.0.0.1, the test admin's credentials (harness.ts's ADMIN), nothing printed. `overrides`
 * replace or add fields (clock, ops, rate limits, OIDC...).
 */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    dataDir: mkdtempSync(join(tmpdir(), "opsflow-test-")),
    port: 0,
    host: "127.0.0.1",
    region: "us-east-1",
    account: "123456789012",
    payloadLimitBytes: 262_144,
    synchronous: "NORMAL",
    admin: {
      accessKeyId: ADMIN.accessKeyId,
      secretAccessKey: ADMIN.secretAccessKey,
      apiToken: ADMIN.token,
    },
    print: () => undefined,
    ...overrides,
  };
}

/** Starts opsflow in-process on a fresh data directory. */
export async function startOpsServer(clock: Clock, ops: OpsSettings): Promise<RunningServer> {
  return startServer(await withTestDatabase(serverConfig({ clock, ops })));
}

/**
 * Creates an API token for `user` directly in the store; returns the token. The user is
 * created with the approver role when missing: a credential of no user may do nothing.
 */
export async function tokenFor(server: RunningServer, user: string): Promise<string> {
  if (!(await server.store.getUser(user))) {
    await server.store.createUser({ name: user, createdAt: Date.now(), updatedAt: Date.now() });
    await server.store.grantRole("user", user, "approver");
  }
  const token = generateApiToken();
  await server.store.createApiToken({
    id: randomUUID(),
    tokenHash: hashApiToken(token),
    user,
    status: "Active",
    createdAt: Date.now(),
  });
  return token;
}

/** Calls the REST API with a token (the admin's by default). */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN.token,
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert on them.
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // HTML pages stay text.
  }
  return { status: response.status, body: parsed };
}

/** Creates a state machine and starts it; returns the execution ARN. */
export async function run(url: string, name: string, definition: object, input: object = {}) {
  const created = await call(url, "POST", "/v1/state-machines", {
    name,
    definition: JSON.stringify(definition),
  });
  if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
  const started = await call(url, "POST", `/v1/state-machines/${name}/executions`, { input });
  if (started.status !== 201) throw new Error(`start ${name}: ${JSON.stringify(started.body)}`);
  return started.body.executionArn as string;
}

/** Waits until the execution ends; returns its description. */
export async function finished(url: string, arn: string, ms = 15_000) {
  return until(async () => {
    const response = await call(url, "GET", `/v1/executions/${encodeURIComponent(arn)}`);
    return response.body.status === "RUNNING" ? undefined : response.body;
  }, ms);
}

/** Polls until `check` returns a value. */
export async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(25);
  }
}
