/**
 * `opsflow commands send --follow` and `commands output`: reading invocations' output as it
 * grows. Following polls the command about once a second, prints each node's new output
 * (each line prefixed with the node id when the command has several nodes), reports
 * progress of multi-node commands on stderr, and ends when the command does.
 */
import type { Connection } from "../api-client.js";
import type { Io } from "../command.js";
import { fetchOutput, fleetCall } from "./fleet-cli.js";

/** An invocation as the command's answer summarises it. */
export interface InvocationSummary {
  instanceId: string;
  status: string;
  statusDetails: string;
  responseCode: number;
  stdoutBytes: number;
  stderrBytes: number;
}

/** A command with its invocations (GET /v1/commands/{id}). */
export interface CommandView {
  commandId: string;
  status: string;
  statusDetails: string;
  targetCount: number;
  completedCount: number;
  errorCount: number;
  invocations: InvocationSummary[];
}

type Stream = "stdout" | "stderr";

/** The command statuses that do not change any more. */
const FINAL = new Set(["Success", "Failed", "Cancelled", "TimedOut"]);

/** How often the command is polled. */
export const FOLLOW_INTERVAL_MS = 1000;

/** Bytes one output read asks for. */
const READ_BYTES = 1024 * 1024;

const outputPath = (commandId: string, nodeId: string, stream: Stream, offset: number) =>
  `/v1/commands/${encodeURIComponent(commandId)}/invocations/${encodeURIComponent(nodeId)}/output?stream=${stream}&offset=${offset}&length=${READ_BYTES}`;

/** Reads a stream of one invocation from `offset` to what the server holds now. */
export async function readAll(
  connection: Connection,
  commandId: string,
  nodeId: string,
  stream: Stream,
  offset = 0,
  onBytes: (bytes: Uint8Array) => void = () => {},
): Promise<number> {
  for (;;) {
    const slice = await fetchOutput(connection, outputPath(commandId, nodeId, stream, offset));
    if (slice.bytes.byteLength > 0) onBytes(slice.bytes);
    offset += slice.bytes.byteLength;
    if (slice.bytes.byteLength === 0 || offset >= slice.size) return offset;
  }
}

/** One node's stream as it is printed: decoded across reads, cut into lines when prefixed. */
class StreamPrinter {
  private readonly decoder = new TextDecoder();
  private partial = "";
  offset = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly prefix: string | undefined,
  ) {}

  print(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    if (this.prefix === undefined) {
      this.write(text);
      return;
    }
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    if (lines.length > 0) this.write(lines.map((line) => `${this.prefix}${line}\n`).join(""));
  }

  /** Prints what is left once the invocation ended (a last line without a newline). */
  flush(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = "";
    if (rest !== "") this.write(this.prefix === undefined ? rest : `${this.prefix}${rest}\n`);
  }
}

/** What following needs besides the connection: where to write and how to wait. */
export interface FollowOptions {
  io: Io;
  /** Print output as it grows (off for --json, which prints the final command only). */
  stream: boolean;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Follows a command until it ends; resolves to the command as it ended. */
export async function followCommand(
  connection: Connection,
  commandId: string,
  options: FollowOptions,
): Promise<CommandView> {
  const { io, stream, sleep = defaultSleep } = options;
  const printers = new Map<string, StreamPrinter>();
  const printerOf = (nodeId: string, name: Stream, several: boolean) => {
    const key = `${nodeId} ${name}`;
    let printer = printers.get(key);
    if (!printer) {
      const write = name === "stdout" ? io.stdout : io.stderr;
      printer = new StreamPrinter(write, several ? `${nodeId}: ` : undefined);
      printers.set(key, printer);
    }
    return printer;
  };
  let progress = "";
  for (;;) {
    const command = (await fleetCall(
      connection,
      "GET",
      `/v1/commands/${encodeURIComponent(commandId)}`,
    )) as CommandView;
    const several = command.targetCount > 1;
    if (stream)
      for (const invocation of command.invocations)
        for (const name of ["stdout", "stderr"] as const) {
          const printer = printerOf(invocation.instanceId, name, several);
          const size = name === "stdout" ? invocation.stdoutBytes : invocation.stderrBytes;
          if (size > printer.offset)
            printer.offset = await readAll(
              connection,
              commandId,
              invocation.instanceId,
              name,
              printer.offset,
              (bytes) => printer.print(bytes),
            );
        }
    if (several) {
      const line = `${command.completedCount}/${command.targetCount} done, ${command.errorCount} failed`;
      if (line !== progress) io.stderr(`${line}\n`);
      progress = line;
    }
    if (FINAL.has(command.status)) {
      for (const printer of printers.values()) printer.flush();
      return command;
    }
    await sleep(FOLLOW_INTERVAL_MS);
  }
}
