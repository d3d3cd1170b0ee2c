/**
 * One SendCommand round of bench/fleet-agents.ts: AWS-RunShellScript to every node tagged
 * `fleet=bench` at MaxConcurrency 100%, timed from just before the request to each node's
 * acknowledged finish (as the simulated agents see it) and to the command's Success (as
 * ListCommands shows it).
 */
import { ListCommandsCommand, SendCommandCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { SimulatedFleet } from "./fleet-simulated.js";

/** The tag every simulated node gets from its activation. */
export const BENCH_TAG = { Key: "fleet", Value: "bench" };

/** How long a round may take before it is given up. */
const ROUND_LIMIT_MS = 60_000;
/** How often ListCommands is asked for the command's status. */
const STATUS_POLL_MS = 20;

/** One round's figures, ms from just before SendCommand was sent. */
export interface SendRound {
  commandId: string;
  /** SendCommand's answer. */
  answeredMs: number;
  /** Each node's acknowledged finish, sorted. */
  finishedMs: number[];
  /** The first ListCommands that showed the command Success (or its final status). */
  statusMs: number;
  status: string;
  completedCount: number;
  errorCount: number;
}

/** The `fraction` percentile of sorted `values` (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Sends the command to the `expected` tagged nodes and waits until it ended. */
export async function sendToAll(
  ssm: SSMClient,
  fleet: SimulatedFleet,
  expected: number,
): Promise<SendRound> {
  // Finishes are kept by command: one could be acknowledged before SendCommand's answer is read.
  const finishes = new Map<string, number[]>();
  const unsubscribe = fleet.onFinish((commandId, _node, at) => {
    const list = finishes.get(commandId) ?? [];
    list.push(at);
    finishes.set(commandId, list);
  });
  try {
    const start = performance.now();
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        Targets: [{ Key: `tag:${BENCH_TAG.Key}`, Values: [BENCH_TAG.Value] }],
        MaxConcurrency: "100%",
        MaxErrors: "0",
        TimeoutSeconds: 600,
        Parameters: { commands: ["echo hello"] },
        Comment: "fleet bench",
      }),
    );
    const answeredMs = performance.now() - start;
    const commandId = sent.Command?.CommandId ?? "";
    let status = sent.Command?.Status ?? "";
    let statusMs = answeredMs;
    let completedCount = 0;
    let errorCount = 0;
    const ended = new Set(["Success", "Failed", "Cancelled", "TimedOut"]);
    while (!ended.has(status)) {
      if (performance.now() - start > ROUND_LIMIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
      const command = listed.Commands?.[0];
      status = command?.Status ?? "";
      statusMs = performance.now() - start;
      completedCount = command?.CompletedCount ?? 0;
      errorCount = command?.ErrorCount ?? 0;
    }
    // Every acknowledged finish precedes Success; wait a moment only for a round that failed.
    const deadline = performance.now() + 2000;
    while ((finishes.get(commandId)?.length ?? 0) < expected && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
    const finishedMs = (finishes.get(commandId) ?? [])
      .map((at) => at - start)
      .sort((a, b) => a - b);
    return { commandId, answeredMs, finishedMs, statusMs, status, completedCount, errorCount };
  } finally {
    unsubscribe();
  }
}
