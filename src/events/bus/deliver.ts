/**
 * One delivery attempt: the target's input is computed from the event (Input, InputPath or
 * InputTransformer) and handed to the target kind its ARN names. Failures are DeliveryErrors
 * that say whether retrying can help.
 */
import { createHash } from "node:crypto";
import type { Json } from "../../asl/json.js";
import type { DeliveryRecord, EventTarget } from "../../store/events-port.js";
import type { NewExecution } from "../../store/workflows-port.js";
import { type CompiledTargetInput, compileTargetInput } from "../transform/index.js";
import { targetKind } from "./arns.js";
import { DeliveryError } from "./errors.js";

/**
 * Publishes to a notification topic. The notifications issue (6) provides it; until then
 * topic targets dead-letter with a clear reason.
 */
export interface NotificationPublisher {
  publish(topicArn: string, message: string, subject?: string): Promise<void>;
}

/** What targets are delivered through; each throws DeliveryError on failure. */
export interface DeliveryPorts {
  /** Starts an execution; an execution of that name that already exists counts as started. */
  startExecution(stateMachineArn: string, name: string, input: string): Promise<void>;
  /**
   * The execution a state machine target would start, to store with the event that starts
   * it; undefined when the delivery must be queued (an EXPRESS machine, which is not stored).
   * Without it, every delivery is queued.
   */
  prepareExecution?(
    stateMachineArn: string,
    name: string,
    input: string,
  ): Promise<NewExecution | undefined>;
  /** Executions stored with their events have started. */
  executionsStarted?(executions: NewExecution[]): void;
  invokeFunction(name: string, event: Json): Promise<void>;
  /** Calls an API destination with the body. */
  callApiDestination(arn: string, body: string): Promise<void>;
  /** Sends the event (envelope text) on to another bus. */
  forwardToBus(busName: string, envelope: string): Promise<void>;
  topics?: NotificationPublisher;
}

const compiled = new Map<string, CompiledTargetInput>();

/** The compiled input of a target, cached by its settings (targets are immutable snapshots). */
function inputOf(target: EventTarget): CompiledTargetInput {
  const key = JSON.stringify([target.Input, target.InputPath, target.InputTransformer, target.Id]);
  let input = compiled.get(key);
  if (!input) {
    if (compiled.size > 10_000) compiled.clear();
    input = compileTargetInput(target);
    compiled.set(key, input);
  }
  return input;
}

/**
 * A stable execution name per (event, rule, target): a redelivery after a crash, or the
 * delivery of a start the accepting transaction could not make, finds the execution started
 * before instead of starting a second one.
 */
export function executionName(eventId: string, ruleArn: string, targetId: string): string {
  const digest = createHash("sha256")
    .update(`${ruleArn}\u0000${targetId}`)
    .digest("hex")
    .slice(0, 16);
  return `${eventId}_${digest}`.slice(0, 80);
}

/**
 * The text a target gets for an event (Input, InputPath or InputTransformer). Throws
 * DeliveryError INVALID_INPUT when it cannot be made.
 */
export function targetInput(
  target: EventTarget,
  event: Json,
  rule: { ruleArn: string; ruleName: string },
  ingestedAt: number,
): string {
  try {
    return inputOf(target)(event, { ...rule, ingestionTime: new Date(ingestedAt) });
  } catch (error) {
    throw new DeliveryError("INVALID_INPUT", (error as Error).message, false);
  }
}

/** The input text parsed, for targets that take JSON. */
export function jsonInput(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new DeliveryError(
      "INVALID_INPUT",
      `The transformed input is not JSON, which ${what} needs: ${(error as Error).message}`,
      false,
    );
  }
}

/** Delivers once; resolves when the target accepted the event. */
export async function deliverOnce(delivery: DeliveryRecord, ports: DeliveryPorts): Promise<void> {
  const { target, event } = delivery;
  const input = targetInput(target, JSON.parse(event.envelope) as Json, delivery, event.ingestedAt);
  const kind = targetKind(target.Arn);
  switch (kind?.kind) {
    case "state-machine":
      jsonInput(input, "a state machine execution");
      return ports.startExecution(
        kind.arn,
        executionName(event.id, delivery.ruleArn, target.Id),
        input,
      );
    case "function":
      return ports.invokeFunction(kind.name, jsonInput(input, "a function"));
    case "api-destination":
      return ports.callApiDestination(kind.arn, input);
    case "event-bus":
      return ports.forwardToBus(kind.name, event.envelope);
    case "topic":
      if (!ports.topics)
        throw new DeliveryError(
          "TARGET_NOT_AVAILABLE",
          "Notification topics are not available yet in opsflow (issue 6); the event was kept here so it can be redriven once they are.",
          false,
        );
      return ports.topics.publish(kind.arn, input);
    default:
      throw new DeliveryError(
        "INVALID_TARGET",
        `opsflow cannot deliver to '${target.Arn}'.`,
        false,
      );
  }
}
