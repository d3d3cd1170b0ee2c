/**
 * The real opsflow server for the agent's tests, started in-process with `startServer` (the
 * composition root the CLI runs) on a temporary data directory: stopped and started again on
 * the same port (the agent sees it go away and come back), or started on a copy of its data
 * taken earlier (a server restored from a backup). Its clock can be moved forward, so waits
 * of the server's own (redelivery after 60 s) pass without sleeping.
 */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../../src/kernel/clock.js";
import { type RunningServer, startServer } from "../../../src/server/compose.js";
import { ADMIN, eventually, rest } from "../../server/harness.js";

/** The system clock plus an offset the test moves forward. */
export class ShiftedClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves time forward by `ms` (sleepers already waiting keep their real-time deadline). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  sleepUntil(untilMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const abort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", abort);
          resolve();
        },
        Math.max(0, untilMs - this.now()),
      );
      signal?.addEventListener("abort", abort, { once: true });
    });
  }
}

/** An invocation as GET /v1/commands/{id}/invocations/{node} shows it. */
export interface InvocationView {
  status: string;
  statusDetails: string;
  responseCode: number;
  stdoutBytes: number;
  stderrBytes: number;
  deliveryAttempts: number;
  outputTruncated: boolean;
  standardOutputContent: string;
  standardErrorContent: string;
}

const TERMINAL = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

/** One opsflow server whose process is this test's. */
export class TestServer {
  readonly clock = new ShiftedClock();
  private running: RunningServer | undefined;
  private port = 0;

  private constructor(
    public dataDir: string,
    private readonly outputLimitBytes?: number,
  ) {}

  /** Starts a server on a new data directory and a free port (keeping `outputLimitBytes` of each stream). */
  static async start(options: { outputLimitBytes?: number } = {}): Promise<TestServer> {
    const server = new TestServer(
      mkdtempSync(join(tmpdir(), "opsflow-agent-server-")),
      options.outputLimitBytes,
    );
    await server.up();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts again on the same port (on `dataDir` when given: a restored backup). */
  async up(dataDir = this.dataDir): Promise<void> {
    this.dataDir = dataDir;
    this.running = await startServer({
      dataDir,
      port: this.port,
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
      rateLimit: false,
      clock: this.clock,
      ...(this.outputLimitBytes !== undefined && {
        commandOutputLimitBytes: this.outputLimitBytes,
      }),
      print: () => undefined,
    });
    this.port = Number(new URL(this.running.url).port);
  }

  /** Stops listening and closes the store: agents find nothing on the port. */
  async down(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  /** A copy of the data directory as it is now (take it while the server is down). */
  backup(): string {
    const copy = mkdtempSync(join(tmpdir(), "opsflow-agent-backup-"));
    cpSync(this.dataDir, copy, { recursive: true });
    return copy;
  }

  /** A new activation's id and code. */
  async activation(): Promise<{ id: string; code: string }> {
    const created = await rest(this.url, "POST", "/v1/activations", {
      defaultInstanceName: "agent-test",
      registrationLimit: 5,
    });
    if (created.status !== 201) throw new Error(`activation: ${JSON.stringify(created.body)}`);
    return { id: created.body.activationId, code: created.body.activationCode };
  }

  /** Sends AWS-RunShellScript with `commands` to the node; its command id. */
  async send(instanceId: string, commands: string[]): Promise<string> {
    const sent = await rest(this.url, "POST", "/v1/commands", {
      documentName: "AWS-RunShellScript",
      instanceIds: [instanceId],
      parameters: { commands },
    });
    if (sent.status !== 201) throw new Error(`send: ${JSON.stringify(sent.body)}`);
    return sent.body.commandId;
  }

  async cancel(commandId: string): Promise<void> {
    const cancelled = await rest(this.url, "POST", `/v1/commands/${commandId}/cancel`, {});
    if (cancelled.status !== 200) throw new Error(`cancel: ${JSON.stringify(cancelled.body)}`);
  }

  async invocation(commandId: string, instanceId: string): Promise<InvocationView> {
    const found = await rest(
      this.url,
      "GET",
      `/v1/commands/${commandId}/invocations/${instanceId}`,
    );
    if (found.status !== 200) throw new Error(`invocation: ${JSON.stringify(found.body)}`);
    return found.body;
  }

  /** The invocation once `check` holds for it. */
  async invocationWhen(
    commandId: string,
    instanceId: string,
    check: (invocation: InvocationView) => boolean,
    ms = 20_000,
  ): Promise<InvocationView> {
    return eventually(async () => {
      const invocation = await this.invocation(commandId, instanceId);
      return check(invocation) ? invocation : undefined;
    }, ms);
  }

  /** The invocation once it ended. */
  ended(commandId: string, instanceId: string, ms?: number): Promise<InvocationView> {
    return this.invocationWhen(commandId, instanceId, (i) => TERMINAL.has(i.status), ms);
  }
}

/** Resolves once `check` holds (checked every 20 ms). */
export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("not seen in time");
    await new Promise((done) => setTimeout(done, 20));
  }
}
