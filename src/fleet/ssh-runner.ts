/**
 * Runs the invocations of SSH hosts from the server: each server node claims ready ones (the
 * store hands each to one node only), marks them started before connecting, so an invocation
 * runs at most once, streams their output into the store and reports how they ended. If a
 * server node dies mid-command, the invocation ends ExecutionTimedOut once its timeout and
 * grace have passed (expiry.ts); it is never run twice.
 */
import { PollLoop, type PollLoopSettings } from "../kernel/poll-loop.js";
import type { Delivery, ManagedNodeRecord } from "../store/fleet-port.js";
import type { CommandToCompile } from "./command-documents.js";
import type { CommandService, FleetContext } from "./commands.js";
import { FleetError } from "./errors.js";
import { commandControl } from "./rate-control.js";
import { runPluginsOverSsh, SshConnectError } from "./ssh/index.js";
import type { SecretParameters } from "./ssh-hosts.js";

/** Invocations one server node runs over SSH at once. */
const MAX_RUNNING = 16;
/** A claimed invocation that never started (its server node died) is claimed again after this. */
const RECLAIM_AFTER_MS = 60_000;

export class SshRunner extends PollLoop {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly fleet: FleetContext,
    private readonly commands: CommandService,
    private readonly secrets: SecretParameters,
    private readonly owner: string,
    settings: Omit<PollLoopSettings, "clock" | "name">,
  ) {
    super({ ...settings, clock: fleet.clock, name: "ssh runner" });
  }

  protected async round(): Promise<number> {
    const { store, clock } = this.fleet;
    const now = clock.now();
    for (const [key, controller] of this.inFlight) {
      const [commandId, instanceId] = key.split("/");
      const invocation = await store.getInvocation(commandId, instanceId);
      if (invocation?.cancelRequested) controller.abort();
    }
    const free = MAX_RUNNING - this.inFlight.size;
    if (free <= 0) return 0;
    const deliveries = await store.claimInvocations(
      "ssh:*",
      now,
      now - RECLAIM_AFTER_MS,
      free,
      this.owner,
    );
    for (const delivery of deliveries) void this.run(delivery);
    return deliveries.length;
  }

  /** Stops the loop and cancels what runs (those invocations end Cancelled). */
  override async stop(): Promise<void> {
    await super.stop();
    for (const controller of this.inFlight.values()) controller.abort();
  }

  private async run({ invocation, command }: Delivery): Promise<void> {
    const { store, clock } = this.fleet;
    const key = `${invocation.commandId}/${invocation.instanceId}`;
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    const offsets = { stdout: invocation.stdoutBytes, stderr: invocation.stderrBytes };
    let writes = Promise.resolve();
    const append = (stream: "stdout" | "stderr", chunk: Buffer) => {
      const offset = offsets[stream];
      offsets[stream] += chunk.length;
      writes = writes.then(async () => {
        await store.appendOutput(
          command.id,
          invocation.instanceId,
          stream,
          offset,
          chunk,
          this.fleet.outputCapBytes,
        );
      });
    };
    try {
      const node = await store.getNode(invocation.instanceId);
      const started = await store.startInvocation(command.id, invocation.instanceId, clock.now());
      if (node?.connection.kind !== "ssh" || !started || started.phase === "done") return;
      const outcome = await this.execute(node, command, controller.signal, append);
      await writes;
      if (outcome.status !== "Failed" || outcome.statusDetails !== "Undeliverable")
        await store.recordPing(node.id, clock.now());
      const change = await store.finishInvocation(
        command.id,
        invocation.instanceId,
        { ...outcome, endedAt: clock.now() },
        commandControl,
      );
      if (change) await this.commands.applied(change);
    } catch (error) {
      console.error(`ssh runner: ${key}:`, error);
    } finally {
      this.inFlight.delete(key);
      this.wake();
    }
  }

  private async execute(
    node: ManagedNodeRecord,
    command: CommandToCompile,
    signal: AbortSignal,
    append: (stream: "stdout" | "stderr", chunk: Buffer) => void,
  ) {
    if (node.connection.kind !== "ssh") throw new Error("not an SSH node");
    const { host, port, user, keyParameter, hostKey } = node.connection;
    const note = (text: string) => append("stderr", Buffer.from(`opsflow: ${text}\n`));
    try {
      const plugins = await this.fleet.documents.compile(
        command,
        node.info?.platformType ?? "Linux",
      );
      const privateKey = await this.secrets.get(keyParameter);
      const result = await runPluginsOverSsh({ host, port, user, privateKey, hostKey }, plugins, {
        signal,
        onOutput: append,
        outputCapBytes: this.fleet.outputCapBytes,
      });
      return {
        status: result.status,
        statusDetails: result.statusDetails,
        responseCode: result.responseCode,
      };
    } catch (error) {
      if (error instanceof SshConnectError) {
        note(`${user}@${host}:${port}: ${error.message}`);
        return {
          status: "Failed" as const,
          statusDetails: "Undeliverable" as const,
          responseCode: -1,
        };
      }
      if (error instanceof FleetError && error.code === "UnsupportedPlatformType")
        return {
          status: "Failed" as const,
          statusDetails: "InvalidPlatform" as const,
          responseCode: -1,
        };
      note(error instanceof Error ? error.message : String(error));
      return { status: "Failed" as const, statusDetails: "Failed" as const, responseCode: -1 };
    }
  }
}
