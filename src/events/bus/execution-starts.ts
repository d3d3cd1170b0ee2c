/**
 * State machine targets start in the transaction that accepts their event: PutEvents' one
 * commit keeps the event and starts the execution, which then runs as soon as PutEvents
 * answers, with no delivery to queue, lease and settle. A delivery that cannot start that way
 * (its input cannot be made, the machine is missing or EXPRESS, a team is over its quota) is
 * queued as before, and the delivery loop's attempt records why it fails.
 */
import type { Json } from "../../asl/json.js";
import { targetKind } from "./arns.js";
import { type DeliveryPorts, executionName, jsonInput, targetInput } from "./deliver.js";
import type { IngestPlan } from "./ingest.js";

/** Gives each delivery of `plan` to a state machine the execution it starts. */
export async function attachExecutionStarts(plan: IngestPlan, ports: DeliveryPorts): Promise<void> {
  const prepare = ports.prepareExecution;
  if (!prepare) return;
  const parsed = new Map<string, Json>();
  for (const delivery of plan.deliveries) {
    const kind = targetKind(delivery.target.Arn);
    if (kind?.kind !== "state-machine") continue;
    const stored = plan.events.find((event) => event.id === delivery.eventId);
    if (!stored) continue;
    try {
      let event = parsed.get(stored.id);
      if (event === undefined) {
        event = JSON.parse(stored.envelope) as Json;
        parsed.set(stored.id, event);
      }
      const input = targetInput(delivery.target, event, delivery, stored.ingestedAt);
      jsonInput(input, "a state machine execution");
      const name = executionName(delivery.eventId, delivery.ruleArn, delivery.target.Id);
      const execution = await prepare(kind.arn, name, input);
      if (execution) delivery.start = execution;
    } catch {
      // Queued: the delivery loop's attempt meets the same failure and records it.
    }
  }
}
