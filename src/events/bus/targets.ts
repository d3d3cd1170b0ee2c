/**
 * PutTargets validation: a target's Id, a deliverable Arn that names something that exists,
 * its input settings (compiled once here, so a transformer that cannot produce valid JSON
 * is refused now, not at delivery) and its RetryPolicy bounds.
 */
import type { EventTarget } from "../../store/events-port.js";
import { compileTargetInput, InvalidTargetInputError } from "../transform/index.js";
import { targetKind } from "./arns.js";
import { EventBusError } from "./errors.js";

/** EventBridge allows 5 targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;
/** EventBridge's defaults: 185 retries over 24 hours. */
export const DEFAULT_RETRY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };

/** What target validation looks up. */
export interface TargetLookups {
  stateMachineExists(arn: string): Promise<boolean>;
  apiDestinationExists(arn: string): Promise<boolean>;
  busExists(name: string): boolean;
}

const ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const invalid = (message: string) => new EventBusError("ValidationException", message);

/** Checks one target (as PutTargets received it) and returns it in the stored shape. */
export async function checkTarget(raw: unknown, lookups: TargetLookups): Promise<EventTarget> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid("Each target must be a structure with Id and Arn.");
  const target = raw as Record<string, unknown>;
  if (typeof target.Id !== "string" || !ID.test(target.Id))
    throw invalid("Target Id must be 1-64 characters of A-Z, a-z, 0-9, '.', '-' and '_'.");
  const id = target.Id;
  if (typeof target.Arn !== "string" || target.Arn.length === 0 || target.Arn.length > 1600)
    throw invalid(`Target ${id}: Arn must be a string of 1-1600 characters.`);
  const kind = targetKind(target.Arn);
  if (!kind)
    throw invalid(
      `Target ${id}: opsflow cannot deliver to '${target.Arn}' (state machines, functions, API destinations, event buses and topics are supported).`,
    );
  if (kind.kind === "state-machine" && !(await lookups.stateMachineExists(kind.arn)))
    throw invalid(`Target ${id}: state machine '${kind.arn}' does not exist.`);
  if (kind.kind === "api-destination" && !(await lookups.apiDestinationExists(kind.arn)))
    throw invalid(`Target ${id}: API destination '${kind.arn}' does not exist.`);
  if (kind.kind === "event-bus" && !lookups.busExists(kind.name))
    throw invalid(`Target ${id}: event bus '${kind.name}' does not exist.`);
  try {
    compileTargetInput(target as never);
  } catch (error) {
    if (error instanceof InvalidTargetInputError) throw invalid(error.message);
    throw error;
  }
  const checked: EventTarget = { Id: id, Arn: target.Arn };
  for (const key of ["RoleArn", "Input", "InputPath"] as const)
    if (typeof target[key] === "string") checked[key] = target[key] as string;
  if (target.InputTransformer) checked.InputTransformer = target.InputTransformer as never;
  if (target.RetryPolicy !== undefined && target.RetryPolicy !== null)
    checked.RetryPolicy = retryPolicy(id, target.RetryPolicy);
  if (target.DeadLetterConfig !== undefined && target.DeadLetterConfig !== null)
    checked.DeadLetterConfig = deadLetterConfig(id, target.DeadLetterConfig);
  return checked;
}

const ARN = /^arn:aws[\w-]*:[a-z0-9-]+:[^:]*:[^:]*:.+$/;

/**
 * DeadLetterConfig: the ARN (an SQS queue's in EventBridge) is recorded with the target and
 * on each of its dead letters; opsflow keeps them all in its own dead-letter store.
 */
function deadLetterConfig(id: string, raw: unknown): { Arn?: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid(`Target ${id}: DeadLetterConfig must be a structure with Arn.`);
  const arn = (raw as Record<string, unknown>).Arn;
  if (arn === undefined) return {};
  if (typeof arn !== "string" || arn.length > 1600 || !ARN.test(arn))
    throw invalid(`Target ${id}: DeadLetterConfig.Arn '${String(arn)}' is not an ARN.`);
  return { Arn: arn };
}

function retryPolicy(id: string, raw: unknown): NonNullable<EventTarget["RetryPolicy"]> {
  const policy = raw as Record<string, unknown>;
  const out: NonNullable<EventTarget["RetryPolicy"]> = {};
  const attempts = policy.MaximumRetryAttempts;
  if (attempts !== undefined) {
    if (
      typeof attempts !== "number" ||
      !Number.isInteger(attempts) ||
      attempts < 0 ||
      attempts > 185
    )
      throw invalid(`Target ${id}: RetryPolicy.MaximumRetryAttempts must be an integer 0-185.`);
    out.MaximumRetryAttempts = attempts;
  }
  const age = policy.MaximumEventAgeInSeconds;
  if (age !== undefined) {
    if (typeof age !== "number" || !Number.isInteger(age) || age < 60 || age > 86_400)
      throw invalid(
        `Target ${id}: RetryPolicy.MaximumEventAgeInSeconds must be an integer 60-86400.`,
      );
    out.MaximumEventAgeInSeconds = age;
  }
  return out;
}
